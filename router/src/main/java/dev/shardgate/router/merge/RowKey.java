package dev.shardgate.router.merge;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Column values compared by their types' equality ({@link ValueEquality}): a group of GROUP BY, or
 * a row of DISTINCT. NULLs are one group, as in both.
 */
record RowKey(Object[] values) {
    /** The key of the given columns of a row, each read with its column's equality. */
    static RowKey of(byte[][] row, int[] columns, List<Function<byte[], Object>> equalities) {
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            byte[] value = row[columns[i]];
            values[i] = value == null ? null : equalities.get(i).apply(value);
        }
        return new RowKey(values);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RowKey that && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
