package dev.shardgate.coordinator.move;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of one relation whose key lies in [lower, upper), as SQL. Keys compare as the router
 * compares them ({@link KeyValue}): varchars in the C collation, composite keys column by column,
 * which is PostgreSQL's row comparison. Bounds are written as literals, since COPY (SELECT …)
 * takes no parameters.
 */
record KeySpan(DistributedRelation relation, List<ColumnType> types, KeyBound lower, Optional<KeyBound> upper) {

    /** {@code "schema"."name"}. */
    String table() {
        return identifier(relation.name().schema()) + "." + identifier(relation.name().name());
    }

    /** The key columns in key order, as sort keys. */
    String keyColumns() {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < relation.keyColumns().size(); i++) {
            String column = identifier(relation.keyColumns().get(i).column());
            columns.add(types.get(i) == ColumnType.VARCHAR ? column + " COLLATE \"C\"" : column);
        }
        return String.join(", ", columns);
    }

    /** A condition true for the rows in the span. */
    String predicate() {
        String key = "ROW(" + keyColumns() + ")";
        String condition = key + " >= " + literal(lower);
        return upper.map(u -> condition + " AND " + key + " < " + literal(u)).orElse(condition);
    }

    private String literal(KeyBound bound) {
        List<String> values = new ArrayList<>();
        for (KeyValue value : bound.values()) {
            values.add(switch (value) {
                case KeyValue.IntegerValue v -> Long.toString(v.value()) + "::bigint";
                case KeyValue.VarcharValue v -> quote(v.value()) + "::text";
                case KeyValue.UuidValue v -> quote(v.value().toString()) + "::uuid";
                case KeyValue.HashValue v -> Long.toString(v.value());
            });
        }
        return "ROW(" + String.join(", ", values) + ")";
    }

    /** A string literal; the session runs with standard_conforming_strings on. */
    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
