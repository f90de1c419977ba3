package dev.shardgate.router.catalog;

/**
 * A relation as pg_class has it.
 *
 * @param kind pg_class.relkind: {@code r} table, {@code v} view, {@code m} materialized view, …
 * @param definition pg_get_viewdef for a view or materialized view; null otherwise
 */
public record RelationInfo(String schema, String name, char kind, String definition) {
    public boolean isView() {
        return definition != null && (kind == 'v' || kind == 'm');
    }

    public String qualifiedName() {
        return schema + "." + name;
    }
}
