package dev.shardgate.sql;

import java.util.List;
import java.util.Map;

/**
 * A relation a statement writes, at any depth: the statement itself, a WITH query, the statement
 * EXPLAIN ANALYZE runs, a MERGE action. Where the rows go depends on what is known of them: the
 * router checks every write against the relation's placement, not only the top-level one.
 *
 * @param table the relation written, as the statement names it
 * @param kind how it is written
 * @param assignedColumns the columns given new values in existing rows (UPDATE SET, INSERT … ON
 *     CONFLICT DO UPDATE SET, MERGE … UPDATE SET), as the parser folds them, distinct
 * @param unknownRows null when the statement adds no rows to the relation or every row it adds is one
 *     of the statement's {@link Statement#insertRows()}; otherwise the form that adds rows the router
 *     cannot see, for messages ({@code INSERT … SELECT}, {@code MERGE … INSERT})
 * @param assignments for an UPDATE, the assigned columns whose new value the statement itself tells
 *     (a constant, a parameter, the column shifted by an integer)
 */
public record Write(TableRef table, Kind kind, List<String> assignedColumns, String unknownRows,
                    Map<String, Assignment> assignments) {
    public Write {
        assignedColumns = List.copyOf(assignedColumns);
        assignments = Map.copyOf(assignments);
    }

    public Write(TableRef table, Kind kind, List<String> assignedColumns, String unknownRows) {
        this(table, kind, assignedColumns, unknownRows, Map.of());
    }

    public enum Kind {
        INSERT, UPDATE, DELETE, MERGE
    }

    /** Whether the write may add rows (INSERT, MERGE with an INSERT action). */
    public boolean addsRows() {
        return kind == Kind.INSERT || unknownRows != null;
    }
}
