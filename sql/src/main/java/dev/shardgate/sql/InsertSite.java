package dev.shardgate.sql;

import java.util.List;

/**
 * One INSERT of a query string, as far as adding a column the client left out is concerned (the
 * router fills auto-increment columns this way): either a form whose text can take the column, or
 * another form, named for the error that refuses it.
 */
public sealed interface InsertSite {

    /** The target table, as the statement names it. */
    TableRef table();

    /** The column list as the parser folds it; empty when the statement has none; null for {@code a[1]} or {@code a.b}. */
    List<String> columns();

    /**
     * {@code INSERT INTO t (cols) VALUES (…), (…)} as a statement of its own: the column list and
     * every row can take one more value.
     *
     * @param columnListEnd the UTF-8 byte offset of the {@code )} closing the column list
     * @param rowEnds the byte offset of the {@code )} closing each row, in VALUES order
     */
    record Values(TableRef table, List<String> columns, int columnListEnd, List<Integer> rowEnds) implements InsertSite {
        public Values {
            columns = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(columns));
            rowEnds = List.copyOf(rowEnds);
        }
    }

    /**
     * Any other INSERT: without a column list, {@code DEFAULT VALUES}, {@code INSERT … SELECT}, or
     * inside another statement (a CTE, EXPLAIN, PREPARE, a rule).
     *
     * @param form what it is, for messages: {@code INSERT … SELECT}
     */
    record Other(TableRef table, List<String> columns, String form) implements InsertSite {
        public Other {
            columns = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(columns));
        }
    }
}
