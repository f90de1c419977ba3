package dev.shardgate.meta;

/**
 * A column of a distributed or reference relation that the router fills from a sequence when an INSERT leaves it
 * out (console: {@code AUTO INCREMENT id [START n]}), so that ids stay unique across shards.
 *
 * @param start the first value the sequence hands out; a sequence that already went further keeps
 *              its place, so ids never go back
 */
public record AutoIncrementColumn(String column, long start) {
    public static final long DEFAULT_START = 1;

    public AutoIncrementColumn {
        MetadataException.requireName(column, "auto increment column");
    }

    public static AutoIncrementColumn of(String column) {
        return new AutoIncrementColumn(column, DEFAULT_START);
    }

    /**
     * The sequence that fills this column of {@code relation}: {@code <relation>_<column>} as SPQR
     * names it, with the schema in front when it is not {@code public} ({@code sales.orders_id}).
     */
    public String sequenceName(QualifiedName relation) {
        String prefix = relation.schema().equals(QualifiedName.DEFAULT_SCHEMA) ? "" : relation.schema() + ".";
        return prefix + relation.name() + "_" + column;
    }

    /** Each column once: {@code AUTO INCREMENT id, id} is an error naming the column and relation. */
    static void requireDistinct(QualifiedName relation, java.util.List<AutoIncrementColumn> columns) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (AutoIncrementColumn column : columns) {
            if (!seen.add(column.column())) {
                throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                        "column " + MetadataException.quote(column.column()) + " of relation "
                                + MetadataException.quote(relation.toString()) + " is named twice in AUTO INCREMENT");
            }
        }
    }
}
