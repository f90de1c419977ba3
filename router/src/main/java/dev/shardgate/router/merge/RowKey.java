package dev.shardgate.router.merge;

import java.util.Arrays;

/** Column values compared byte for byte: a group of GROUP BY, or a row of DISTINCT. */
record RowKey(byte[][] values) {
    @Override
    public boolean equals(Object other) {
        return other instanceof RowKey that && Arrays.deepEquals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }
}
