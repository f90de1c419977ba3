package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row an INSERT writes: the columns of the column list whose value is a constant or a bind
 * parameter (possibly cast), in column-list order. Columns given as other expressions
 * ({@code now()}, {@code DEFAULT}, {@code $1 + 1}) are absent.
 *
 * @param positions for an INSERT without a column list, the row's values in the order of the
 *     relation's columns (null for one that is not a constant or parameter), which only the
 *     relation's catalog can name; null when the INSERT has a column list
 */
public record InsertRow(TableRef table, Map<String, Value> values, List<Value> positions) {
    public InsertRow {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        positions = positions == null ? null : Collections.unmodifiableList(new ArrayList<>(positions));
    }

    public InsertRow(TableRef table, Map<String, Value> values) {
        this(table, values, null);
    }

    /** The row with its values named by the relation's columns, in their order (PostgreSQL fills the first ones). */
    public InsertRow named(List<String> columnOrder) {
        Map<String, Value> byColumn = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(positions.size(), columnOrder.size()); i++) {
            if (positions.get(i) != null) {
                byColumn.put(columnOrder.get(i), positions.get(i));
            }
        }
        return new InsertRow(table, byColumn);
    }

    /**
     * For each column every one of {@code rows} gives a value (in the first row's column order), the
     * distinct values the rows give it: what restricts an INSERT's target to the rows' keys.
     */
    static Map<String, List<Value>> valuesGivenByEveryRow(List<InsertRow> rows) {
        Map<String, List<Value>> byColumn = new LinkedHashMap<>();
        for (String column : rows.getFirst().values().keySet()) {
            java.util.Set<Value> values = new java.util.LinkedHashSet<>();
            for (InsertRow row : rows) {
                Value value = row.values().get(column);
                if (value == null) {
                    values = null;
                    break;
                }
                values.add(value);
            }
            if (values != null) {
                byColumn.put(column, List.copyOf(values));
            }
        }
        return byColumn;
    }
}
