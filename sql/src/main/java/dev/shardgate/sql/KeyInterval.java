package dev.shardgate.sql;

/**
 * The values of a column between two ends, from {@code <, <=, >, >=} and BETWEEN; a null end is
 * open. Whether the ends compare the way the shards' key ranges do (integers and uuids do, text
 * only under the C collation) is for the router to decide: it knows the key's type.
 */
public record KeyInterval(Value lower, boolean lowerInclusive, Value upper, boolean upperInclusive) {
    public static KeyInterval point(Value value) {
        return new KeyInterval(value, true, value, true);
    }

    /** {@code col = v}: a single value, the same under every collation and type. */
    public boolean isPoint() {
        return lower != null && lowerInclusive && upperInclusive && lower.equals(upper);
    }
}
