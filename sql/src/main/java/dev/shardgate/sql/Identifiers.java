package dev.shardgate.sql;

/** SQL identifiers written into statement text the router makes. */
public final class Identifiers {
    private Identifiers() {
    }

    /**
     * The identifier always quoted, its quotes doubled: a name already folded as PostgreSQL folds
     * it stays exactly that, and a column named like a keyword stays a column.
     */
    public static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The table's name quoted, behind its quoted schema when it has one: {@code "s"."t"} or {@code "t"}. */
    public static String quoted(TableRef table) {
        return (table.schema() == null ? "" : quoted(table.schema()) + ".") + quoted(table.name());
    }
}
