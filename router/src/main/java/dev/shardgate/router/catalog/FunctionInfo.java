package dev.shardgate.router.catalog;

/**
 * A function as pg_proc has it.
 *
 * @param language pg_language.lanname: sql, plpgsql, c, internal, …
 * @param source the body of an SQL function (prosrc, or pg_get_functiondef for a SQL-standard body);
 *     null for other languages
 * @param inExtension the function belongs to an extension (pg_depend deptype e)
 */
public record FunctionInfo(String schema, String name, String language, String source, boolean inExtension) {
    public boolean isBuiltIn() {
        return "pg_catalog".equals(schema) || "information_schema".equals(schema);
    }

    public String qualifiedName() {
        return schema + "." + name;
    }
}
