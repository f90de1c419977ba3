package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one condition implies about the values of plain columns, as a union of intervals per
 * column: comparisons with a constant or {@code $n}, BETWEEN, IN, {@code = ANY(ARRAY[…])}, AND
 * (any one conjunct's restriction holds) and OR (only columns every arm restricts, with the union
 * of the arms). Anything else implies nothing. NOT BETWEEN and BETWEEN SYMMETRIC are passed over.
 */
final class KeyRanges {
    private KeyRanges() {
    }

    static Map<Scope.Column, List<KeyInterval>> implied(Node condition, Function<Node, Scope.Column> columns,
                                                        Constants constants) {
        if (condition == null) {
            return Map.of();
        }
        if (condition.is("BoolExpr")) {
            String operator = condition.string("boolop");
            if ("AND_EXPR".equals(operator)) {
                return conjunction(condition.nodes("args"), columns, constants);
            }
            if ("OR_EXPR".equals(operator)) {
                return disjunction(condition.nodes("args"), columns, constants);
            }
            return Map.of();
        }
        if (condition.is("A_Expr")) {
            return comparison(condition, columns, constants);
        }
        return Map.of();
    }

    /** Every conjunct holds: of two restrictions of a column, either is true; the one with fewer intervals is kept. */
    private static Map<Scope.Column, List<KeyInterval>> conjunction(List<Node> arguments,
                                                                    Function<Node, Scope.Column> columns,
                                                                    Constants constants) {
        Map<Scope.Column, List<KeyInterval>> implied = new LinkedHashMap<>();
        for (Node argument : arguments) {
            implied(argument, columns, constants).forEach((column, union) -> {
                List<KeyInterval> known = implied.get(column);
                if (known == null || union.size() < known.size()) {
                    implied.put(column, union);
                }
            });
        }
        return implied;
    }

    private static Map<Scope.Column, List<KeyInterval>> disjunction(List<Node> arguments,
                                                                    Function<Node, Scope.Column> columns,
                                                                    Constants constants) {
        Map<Scope.Column, List<KeyInterval>> implied = null;
        for (Node argument : arguments) {
            Map<Scope.Column, List<KeyInterval>> arm = implied(argument, columns, constants);
            if (implied == null) {
                implied = new LinkedHashMap<>(arm);
                continue;
            }
            Map<Scope.Column, List<KeyInterval>> union = new LinkedHashMap<>();
            for (Map.Entry<Scope.Column, List<KeyInterval>> entry : implied.entrySet()) {
                List<KeyInterval> other = arm.get(entry.getKey());
                if (other != null) {
                    List<KeyInterval> both = new ArrayList<>(entry.getValue());
                    both.addAll(other);
                    union.put(entry.getKey(), both);
                }
            }
            implied = union;
        }
        return implied == null ? Map.of() : implied;
    }

    private static Map<Scope.Column, List<KeyInterval>> comparison(Node expression, Function<Node, Scope.Column> columns,
                                                                   Constants constants) {
        String kind = expression.string("kind");
        List<String> operator = expression.names("name");
        Node left = expression.node("lexpr");
        Node right = expression.node("rexpr");
        Scope.Column column = columns.apply(left);
        if (kind == null) {
            return Map.of();
        }
        switch (kind) {
            case "AEXPR_OP" -> {
                String symbol = operatorSymbol(operator);
                if (symbol == null) {
                    return Map.of();
                }
                Value value;
                if (column != null) {
                    value = constants.valueOf(right);
                } else {
                    column = columns.apply(right);
                    value = constants.valueOf(left);
                    symbol = mirrored(symbol);
                }
                if (column == null || value == null) {
                    return Map.of();
                }
                KeyInterval interval = switch (symbol) {
                    case "=" -> KeyInterval.point(value);
                    case "<" -> new KeyInterval(null, false, value, false);
                    case "<=" -> new KeyInterval(null, false, value, true);
                    case ">" -> new KeyInterval(value, false, null, false);
                    case ">=" -> new KeyInterval(value, true, null, false);
                    default -> null;
                };
                return interval == null ? Map.of() : Map.of(column, List.of(interval));
            }
            case "AEXPR_BETWEEN" -> {
                if (column == null || right == null || !right.is("List")) {
                    return Map.of();
                }
                List<Node> ends = right.positional("items");
                Value lower = ends.size() == 2 ? constants.valueOf(ends.get(0)) : null;
                Value upper = ends.size() == 2 ? constants.valueOf(ends.get(1)) : null;
                return lower == null || upper == null ? Map.of()
                        : Map.of(column, List.of(new KeyInterval(lower, true, upper, true)));
            }
            case "AEXPR_IN" -> {
                return column == null || right == null || !right.is("List") || !"=".equals(operatorSymbol(operator))
                        ? Map.of() : points(column, right.positional("items"), constants);
            }
            case "AEXPR_OP_ANY" -> {
                Node array = right != null && right.is("TypeCast") ? right.node("arg") : right;
                return column == null || array == null || !array.is("A_ArrayExpr") || !"=".equals(operatorSymbol(operator))
                        ? Map.of() : points(column, array.positional("elements"), constants);
            }
            default -> {
                return Map.of();
            }
        }
    }

    private static Map<Scope.Column, List<KeyInterval>> points(Scope.Column column, List<Node> items, Constants constants) {
        List<KeyInterval> points = new ArrayList<>(items.size());
        for (Node item : items) {
            Value value = constants.valueOf(item);
            if (value == null) {
                return Map.of();
            }
            points.add(KeyInterval.point(value));
        }
        return points.isEmpty() ? Map.of() : Map.of(column, points);
    }

    /** {@code =, <, <=, >, >=}, bare or as {@code OPERATOR(pg_catalog.…)}; null for any other operator. */
    private static String operatorSymbol(List<String> operator) {
        if (operator == null || operator.isEmpty() || operator.size() > 2
                || (operator.size() == 2 && !"pg_catalog".equals(operator.getFirst()))) {
            return null;
        }
        String symbol = operator.getLast();
        return switch (symbol) {
            case "=", "<", "<=", ">", ">=" -> symbol;
            default -> null;
        };
    }

    /** {@code 5 < id} is {@code id > 5}. */
    private static String mirrored(String symbol) {
        return switch (symbol) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> symbol;
        };
    }
}
