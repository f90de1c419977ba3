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

    /** {@code schema.name} or {@code name}. */
    public String qualifiedName() {
        return schema == null ? name : schema + "." + name;
    }
}
