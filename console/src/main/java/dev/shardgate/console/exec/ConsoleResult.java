package dev.shardgate.console.exec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** What one console statement answers: rows (a SHOW) or just a command tag. */
public sealed interface ConsoleResult permits ConsoleResult.Rows, ConsoleResult.Done {

    /** The command tag, as CommandComplete carries it. */
    String tag();

    /**
     * A result set of text columns.
     *
     * @param rows each as long as {@code columns}; a null element is SQL NULL
     * @param tag  {@code SELECT n}, as PostgreSQL tags a query returning n rows
     */
    record Rows(List<String> columns, List<List<String>> rows, String tag) implements ConsoleResult {
        public Rows {
            columns = List.copyOf(columns);
            List<List<String>> copied = new ArrayList<>(rows.size());
            for (List<String> row : rows) {
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("row " + row + " does not have " + columns.size() + " columns");
                }
                // List.copyOf refuses nulls, and null is how a row says SQL NULL.
                copied.add(Collections.unmodifiableList(new ArrayList<>(row)));
            }
            rows = Collections.unmodifiableList(copied);
            Objects.requireNonNull(tag);
        }

        public Rows(List<String> columns, List<List<String>> rows) {
            this(columns, rows, "SELECT " + rows.size());
        }
    }

    /** A statement without rows, e.g. {@code CREATE KEY RANGE}. */
    record Done(String tag) implements ConsoleResult {
        public Done {
            Objects.requireNonNull(tag);
        }
    }
}
