package dev.shardgate.coordinator.move;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.RoutingExpression;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The rows of one relation whose key lies in [lower, upper), as SQL. Keys compare as the router
 * compares them ({@link KeyValue}): varchars in the C collation, composite keys column by column,
 * which is PostgreSQL's row comparison, hashed columns by their hash. Bounds are written as literals, since COPY (SELECT …)
 * takes no parameters.
 */
record KeySpan(DistributedRelation relation, List<ColumnType> types, KeyBound lower, Optional<KeyBound> upper) {

    /** {@code "schema"."name"}. */
    String table() {
        return table(relation);
    }

    static String table(DistributedRelation relation) {
        return identifier(relation.name().schema()) + "." + identifier(relation.name().name());
    }

    /**
     * The key in key order, as sort keys: the columns for plain types, their hashes (computed by
     * {@link ShardHash}'s functions, which the connection must have) for hashed types and routing
     * expressions.
     */
    String keyColumns() {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < relation.keyColumns().size(); i++) {
            columns.add(switch (relation.keyColumns().get(i)) {
                case DistributionKeyColumn column -> ShardHash.keyExpression(identifier(column.column()), types.get(i), column.hash());
                case RoutingExpression expression -> ShardHash.expressionKey(expression,
                        expression.valueColumns().stream().map(KeySpan::identifier).toList());
            });
        }
        return String.join(", ", columns);
    }

    /** Whether the key compares hashes, so that the shard needs {@link ShardHash#install}. */
    boolean isHashed() {
        return types.stream().anyMatch(ColumnType::isHashed);
    }

    /** A condition true for the rows in the span. */
    String predicate() {
        if (types.size() == 1 && types.getFirst().isHashed()) {
            // One mention of the hash, so each row is hashed once (a >= x AND a < y would hash it twice).
            String hash = keyColumns();
            long from = ((KeyValue.HashValue) lower.get(0)).value();
            return upper.map(u -> "int8range(" + from + ", " + ((KeyValue.HashValue) u.get(0)).value() + ") @> " + hash)
                    .orElse(hash + " >= " + from);
        }
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
                case KeyValue.HashValue v -> Long.toString(v.value()) + "::bigint";
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
