package dev.shardgate.sql;

import java.util.Objects;

/**
 * A table as a statement names it: the schema only when written, the name as PostgreSQL folds it
 * (lower case unless quoted), and the alias, which tells two uses of one table apart.
 */
public record TableRef(String schema, String name, String alias) {
    public TableRef {
        Objects.requireNonNull(name, "name");
    }

    /** {@code schema.name} or {@code name}. */
    public String qualifiedName() {
        return schema == null ? name : schema + "." + name;
    }
}
