package dev.shardgate.console.ast;

/**
 * A possibly schema-qualified relation name.
 *
 * @param schema null when the statement gives none
 */
public record RelationName(String schema, String name) {
    public static RelationName of(String name) {
        return new RelationName(null, name);
    }

    /** {@code schema.name} or {@code name}, unquoted: for messages, not for SQL. */
    public String qualified() {
        return schema == null ? name : schema + "." + name;
    }
}
