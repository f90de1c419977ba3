package dev.shardgate.meta;

/**
 * A column of a distributed relation that the router fills from a sequence when an INSERT leaves it
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
}
