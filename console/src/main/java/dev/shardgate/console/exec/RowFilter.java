package dev.shardgate.console.exec;

import dev.shardgate.console.ast.WhereClause;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.function.Predicate;

/**
 * A SHOW's WHERE as a row predicate. Comparisons are of text with text. As in SQL, comparing NULL
 * gives unknown, AND and OR follow three-valued logic, and a row is kept only when the whole
 * condition is true.
 */
public final class RowFilter {
    private RowFilter() {
    }

    /**
     * @param what the statement, for the error message: {@code SHOW key_ranges}
     * @throws PgException 42703 when the condition names a column not in {@code columns}
     */
    public static Predicate<List<String>> of(WhereClause where, List<String> columns, String what) {
        Condition condition = compile(where, columns, what);
        return row -> Boolean.TRUE.equals(condition.test(row));
    }

    /** True, false or null for unknown. */
    private interface Condition {
        Boolean test(List<String> row);
    }

    private static Condition compile(WhereClause where, List<String> columns, String what) {
        return switch (where) {
            case WhereClause.Comparison c -> {
                int index = columns.indexOf(c.column());
                if (index < 0) {
                    throw new PgException(SqlState.UNDEFINED_COLUMN, "column \"" + c.column() + "\" does not exist")
                            .withHint(what + " has columns " + String.join(", ", columns) + ".");
                }
                boolean equals = c.operator() == WhereClause.ComparisonOperator.EQUALS;
                yield row -> {
                    String value = row.get(index);
                    return value == null ? null : value.equals(c.value()) == equals;
                };
            }
            case WhereClause.And and -> {
                Condition left = compile(and.left(), columns, what);
                Condition right = compile(and.right(), columns, what);
                yield row -> and(left.test(row), right.test(row));
            }
            case WhereClause.Or or -> {
                Condition left = compile(or.left(), columns, what);
                Condition right = compile(or.right(), columns, what);
                yield row -> or(left.test(row), right.test(row));
            }
        };
    }

    private static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return false;
        }
        return a == null || b == null ? null : true;
    }

    private static Boolean or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return true;
        }
        return a == null || b == null ? null : false;
    }
}
