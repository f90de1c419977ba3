package dev.shardgate.router.merge;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/** Rows in text format, one at a time, each an array of column values (null for SQL NULL). */
public interface RowSource {
    /** The next row, or null after the last. */
    byte[][] next() throws IOException;

    /** The rows of each source in turn. */
    static RowSource concatenation(List<RowSource> sources) {
        return new Concatenation(sources);
    }

    /** The rows of a list, for a result already in memory. */
    static RowSource of(List<byte[][]> rows) {
        Iterator<byte[][]> iterator = rows.iterator();
        return () -> iterator.hasNext() ? iterator.next() : null;
    }
}
