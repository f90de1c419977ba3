package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Compact text forms of analysis results, for assertions that read like the SQL they test. */
final class Rendered {
    private Rendered() {
    }

    /** {@code $1}, {@code 5}, {@code 'abc'}, {@code true}, {@code null}; casts are not shown. */
    static String value(Value value) {
        return switch (value) {
            case Value.Param param -> "$" + param.number();
            case Value.Literal literal -> switch (literal.kind()) {
                case STRING -> "'" + literal.text() + "'";
                case NULL -> "null";
                case INTEGER, FLOAT, BOOLEAN -> literal.text();
            };
        };
    }

    /** {@code schema.table.column=v1|v2}, one per filter of every statement. */
    static List<String> keys(Analysis analysis) {
        List<String> keys = new ArrayList<>();
        for (Statement statement : analysis.statements()) {
            for (KeyFilter filter : statement.filters()) {
                if (filter.hasValues()) {
                    keys.add(key(filter));
                }
            }
        }
        return keys;
    }

    /** {@code table.column in [5, 9) | (20, ∞)}, one per condition of ranges of every statement. */
    static List<String> ranges(Analysis analysis) {
        List<String> ranges = new ArrayList<>();
        for (Statement statement : analysis.statements()) {
            for (KeyFilter filter : statement.filters()) {
                for (List<KeyInterval> union : filter.ranges()) {
                    ranges.add(filter.table().qualifiedName() + "." + filter.column() + " in "
                            + union.stream().map(Rendered::interval).collect(Collectors.joining(" | ")));
                }
            }
        }
        return ranges;
    }

    static String interval(KeyInterval interval) {
        return (interval.lower() == null ? "(-∞" : (interval.lowerInclusive() ? "[" : "(") + value(interval.lower()))
                + ", " + (interval.upper() == null ? "∞)" : value(interval.upper()) + (interval.upperInclusive() ? "]" : ")"));
    }

    static String key(KeyFilter filter) {
        return filter.table().qualifiedName() + "." + filter.column() + "="
                + filter.values().stream().map(Rendered::value).collect(Collectors.joining("|"));
    }

    /** {@code table(col=v, col=v)}, one per insert row with a column list of every statement. */
    static List<String> rows(Analysis analysis) {
        List<String> rows = new ArrayList<>();
        for (Statement statement : analysis.statements()) {
            for (InsertRow row : statement.insertRows()) {
                if (row.positions() == null) {
                    rows.add(row(row));
                }
            }
        }
        return rows;
    }

    static String row(InsertRow row) {
        StringBuilder text = new StringBuilder(row.table().qualifiedName()).append('(');
        String separator = "";
        for (Map.Entry<String, Value> entry : row.values().entrySet()) {
            text.append(separator).append(entry.getKey()).append('=').append(value(entry.getValue()));
            separator = ", ";
        }
        return text.append(')').toString();
    }

    /** Qualified names of the tables of every statement, distinct, in order. */
    static List<String> tables(Analysis analysis) {
        List<String> tables = new ArrayList<>();
        for (Statement statement : analysis.statements()) {
            for (TableRef table : statement.tables()) {
                if (!tables.contains(table.qualifiedName())) {
                    tables.add(table.qualifiedName());
                }
            }
        }
        return tables;
    }

    static List<String> kinds(Analysis analysis) {
        return analysis.statements().stream().map(s -> s.kind().name()).toList();
    }
}
