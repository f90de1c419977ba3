package dev.shardgate.console.exec;

import dev.shardgate.console.ast.Show;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a SHOW asks of its target's rows after WHERE: SPQR's column list, GROUP BY and ORDER BY. The
 * same for every target, whoever answers it (console, router, coordinator).
 *
 * <p>Values are text, so ORDER BY compares them as text (by code point), except in a column whose
 * values are all integers: those compare as numbers, so that 9 comes before 10, as PostgreSQL
 * orders a number. NULLs sort last ascending and first descending, as in PostgreSQL.
 */
final class ShowShape {
    /** The column GROUP BY adds: how many rows each group holds. */
    static final String COUNT = "count";

    private final Show show;

    private ShowShape(Show show) {
        this.show = show;
    }

    static ShowShape of(Show show) {
        return new ShowShape(show);
    }

    /**
     * The columns of the answer, given the target's.
     *
     * @throws PgException 42703 for a column the target does not have, 42803 for a column outside
     *         GROUP BY
     */
    List<String> columns(List<String> targetColumns) {
        return plan(targetColumns).columns();
    }

    /** The target's rows (WHERE already applied) shaped as the statement asks. */
    ConsoleResult.Rows apply(ConsoleResult.Rows target) {
        if (!show.isShaped()) {
            return target;
        }
        Plan plan = plan(target.columns());
        List<List<String>> rows = show.groupBy().isEmpty() ? target.rows() : groups(target);
        List<String> rowColumns = show.groupBy().isEmpty() ? target.columns() : grouped();
        if (show.orderBy().isPresent()) {
            rows = sorted(rows, rowColumns.indexOf(show.orderBy().get().column()), show.orderBy().get().descending());
        }
        List<Integer> picked = plan.columns().stream().map(rowColumns::indexOf).toList();
        List<List<String>> projected = rows.stream().map(row -> project(row, picked)).toList();
        return new ConsoleResult.Rows(plan.columns(), projected);
    }

    private record Plan(List<String> columns) {
    }

    private Plan plan(List<String> targetColumns) {
        String what = "SHOW " + show.what();
        show.columns().stream().filter(column -> !column.equals(COUNT) || show.groupBy().isEmpty())
                .forEach(column -> requireColumn(column, targetColumns, what));
        show.groupBy().forEach(column -> requireColumn(column, targetColumns, what));
        if (show.groupBy().isEmpty()) {
            show.orderBy().ifPresent(order -> requireColumn(order.column(), targetColumns, what));
            return new Plan(show.columns().isEmpty() ? targetColumns : show.columns());
        }
        List<String> grouped = grouped();
        for (String column : show.columns()) {
            requireGrouped(column, grouped);
        }
        show.orderBy().ifPresent(order -> {
            if (!order.column().equals(COUNT)) {
                requireColumn(order.column(), targetColumns, what);
            }
            requireGrouped(order.column(), grouped);
        });
        return new Plan(show.columns().isEmpty() ? grouped : show.columns());
    }

    /** The GROUP BY columns, then {@code count}. */
    private List<String> grouped() {
        List<String> columns = new ArrayList<>(show.groupBy());
        columns.add(COUNT);
        return columns;
    }

    private static void requireColumn(String column, List<String> columns, String what) {
        if (!columns.contains(column)) {
            throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + column + "\" does not exist")
                    .withHint(what + " has columns " + String.join(", ", columns) + ".");
        }
    }

    private static void requireGrouped(String column, List<String> grouped) {
        if (!grouped.contains(column)) {
            throw new PgException(SqlState.GROUPING_ERROR,
                    "column \"" + column + "\" must appear in the GROUP BY clause")
                    .withHint("With GROUP BY a SHOW answers " + String.join(", ", grouped) + ".");
        }
    }

    /** One row per distinct group key, in the order the groups first appear, with its row count. */
    private List<List<String>> groups(ConsoleResult.Rows target) {
        List<Integer> keys = show.groupBy().stream().map(target.columns()::indexOf).toList();
        Map<List<String>, Integer> counts = new LinkedHashMap<>();
        for (List<String> row : target.rows()) {
            counts.merge(project(row, keys), 1, Integer::sum);
        }
        List<List<String>> rows = new ArrayList<>(counts.size());
        counts.forEach((key, count) -> {
            List<String> row = new ArrayList<>(key);
            row.add(Integer.toString(count));
            rows.add(row);
        });
        return rows;
    }

    private static List<List<String>> sorted(List<List<String>> rows, int column, boolean descending) {
        boolean numeric = rows.stream().map(row -> row.get(column)).allMatch(v -> v == null || isInteger(v));
        Comparator<String> values = numeric
                ? Comparator.comparing(java.math.BigInteger::new)
                : Comparator.naturalOrder();
        // PostgreSQL: NULLS LAST is the default for ASC, NULLS FIRST for DESC.
        Comparator<String> order = Comparator.nullsLast(values);
        Comparator<List<String>> byColumn = Comparator.comparing(row -> row.get(column), order);
        List<List<String>> copy = new ArrayList<>(rows);
        copy.sort(descending ? byColumn.reversed() : byColumn);
        return copy;
    }

    private static boolean isInteger(String value) {
        return value.matches("-?[0-9]+");
    }

    private static List<String> project(List<String> row, List<Integer> indexes) {
        List<String> projected = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            projected.add(row.get(index));
        }
        return projected;
    }
}
