package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code INSERT INTO t VALUES (…)} without a column list: PostgreSQL gives the values to the
 * relation's columns in their order (attnum, dropped columns left out), which only the catalog
 * knows. The analysis keeps each row's values by position; once the router has read the column
 * order from a shard, {@link #named} makes the statement what it would be with the column list
 * written out, so that it is routed and split by its key as such.
 */
public final class PositionalInsert {
    /** The form named in refusals while the positions are not named. */
    static final String FORM = "INSERT without a column list";

    private PositionalInsert() {
    }

    /**
     * The relation whose column order would name the statement's rows; null when the statement is
     * not a plain {@code INSERT … VALUES} without a column list whose only table is its target.
     */
    public static TableRef relationOf(Statement statement) {
        if (statement.kind() != StatementKind.INSERT || statement.insertRows().isEmpty()
                || statement.writes().size() != 1 || !FORM.equals(statement.writes().getFirst().unknownRows())) {
            return null;
        }
        TableRef target = statement.writes().getFirst().table();
        for (InsertRow row : statement.insertRows()) {
            if (row.positions() == null || !row.table().equals(target)) {
                return null;
            }
        }
        boolean filtered = statement.filters().stream().anyMatch(filter -> filter.table().equals(target));
        return filtered || !statement.tables().equals(List.of(target)) ? null : target;
    }

    /**
     * The statement with each row's values named by {@code columnOrder}, and the target restricted
     * to the values every row gives a column (as an INSERT with a column list is).
     */
    public static Statement named(Statement statement, List<String> columnOrder) {
        List<InsertRow> rows = new ArrayList<>(statement.insertRows().size());
        for (InsertRow row : statement.insertRows()) {
            rows.add(row.named(columnOrder));
        }
        TableRef target = rows.getFirst().table();
        List<KeyFilter> filters = new ArrayList<>(statement.filters());
        InsertRow.valuesGivenByEveryRow(rows).forEach((column, values) -> filters.add(new KeyFilter(target, column, values)));
        Write write = statement.writes().getFirst();
        List<Write> writes = List.of(new Write(write.table(), write.kind(), write.assignedColumns(), null));
        return new Statement(statement.kind(), statement.tables(), filters, rows, statement.set(), statement.text(),
                writes, statement.definesSharedObject(), statement.functions());
    }
}
