package dev.shardgate.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row an INSERT writes: the columns of the column list whose value is a constant or a bind
 * parameter (possibly cast), in column-list order. Columns given as other expressions
 * ({@code now()}, {@code DEFAULT}, {@code $1 + 1}) are absent.
 */
public record InsertRow(TableRef table, Map<String, Value> values) {
    public InsertRow {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
