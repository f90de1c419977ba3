package dev.shardgate.sql;

import java.util.Objects;

/**
 * A function a statement calls, as written: the schema only when written, the name as PostgreSQL
 * folds it. Which function it is (overloads, search_path) only the catalog of a shard can say.
 */
public record FunctionRef(String schema, String name) {
    public FunctionRef {
        Objects.requireNonNull(name, "name");
    }

    /**
     * Whether the name is one of PostgreSQL 15's built-in functions (pg_catalog_functions.txt). By
     * name only: which function a call resolves to (a user's overload of a built-in name) only the
     * catalog of a shard can say.
     */
    public boolean isBuiltIn() {
        return KnownFunctions.isBuiltIn(schema, name);
    }

    /**
     * A built-in function a standby runs as it runs on the primary: built in (see
     * {@link #isBuiltIn}) and not one of those that write or need a transaction ID (sequences,
     * large objects, replication slots, {@code txid_current}, {@code pg_notify}, …).
     */
    public boolean isReadOnlyBuiltIn() {
        return isBuiltIn() && !KnownFunctions.isWriting(name);
    }

    /** {@code schema.name} or {@code name}. */
    public String qualifiedName() {
        return schema == null ? name : schema + "." + name;
    }
}
