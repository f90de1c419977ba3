package dev.shardgate.router.catalog;

/**
 * A function as pg_proc has it.
 *
 * @param language pg_language.lanname: sql, plpgsql, c, internal, …
 * @param source the body of an SQL function (prosrc, or pg_get_functiondef for a SQL-standard body);
 *     null for other languages
 * @param inExtension the function belongs to an extension (pg_depend deptype e)
 * @param header for an SQL function, what follows its name in CREATE FUNCTION up to AS (arguments,
 *     result, language, volatility, strictness): a copy of it can be made; null otherwise
 * @param unspliceable why a copy of this SQL function with its body spliced would not behave as it
 *     does (a SQL-standard body, SET clauses, SECURITY DEFINER …); null when it would
 */
public record FunctionInfo(String schema, String name, String language, String source, boolean inExtension,
                           String header, String unspliceable) {
    public FunctionInfo(String schema, String name, String language, String source, boolean inExtension) {
        this(schema, name, language, source, inExtension, null, "its definition was not read");
    }

    public boolean isBuiltIn() {
        return "pg_catalog".equals(schema) || "information_schema".equals(schema);
    }

    public String qualifiedName() {
        return schema + "." + name;
    }
}
