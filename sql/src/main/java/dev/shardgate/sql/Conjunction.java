package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AND-ed conditions of one query level (its WHERE and the ON of inner joins that restrict
 * every row) and what they imply about key columns: values ({@code =}, IN, {@code = ANY(ARRAY[…])})
 * and ranges ({@code <, <=, >, >=}, BETWEEN), and an OR of these when every arm restricts the same
 * column (the union of the arms). Conditions under NOT, functions of a column and other
 * expressions imply nothing and are passed over; equalities between columns carry values and
 * ranges from one column to another ({@code a.id = b.a_id AND a.id = 5} restricts both).
 */
final class Conjunction {
    private final Scope scope;
    private final Constants constants;
    private final Map<Scope.Column, Scope.Column> parent = new LinkedHashMap<>();
    private final List<Membership> memberships = new ArrayList<>();
    private final List<RangeMembership> rangeMemberships = new ArrayList<>();

    private record Membership(Scope.Column column, List<Value> values) {}

    /** The column lies in one of the intervals. */
    private record RangeMembership(Scope.Column column, List<KeyInterval> union) {}

    Conjunction(Scope scope, Constants constants) {
        this.scope = scope;
        this.constants = constants;
    }

    /** Adds a condition that every row of this level satisfies. */
    void add(Node condition) {
        if (condition == null) {
            return;
        }
        if (condition.is("BoolExpr") && "AND_EXPR".equals(condition.string("boolop"))) {
            for (Node argument : condition.nodes("args")) {
                add(argument);
            }
        } else if (condition.is("A_Expr")) {
            String kind = condition.string("kind");
            if ("AEXPR_IN".equals(kind) || ("AEXPR_OP".equals(kind) && isEquality(condition.names("name")))) {
                comparison(condition);
            } else {
                record(KeyRanges.implied(condition, this::column, constants));
            }
        } else if (condition.is("BoolExpr") && "OR_EXPR".equals(condition.string("boolop"))) {
            record(KeyRanges.implied(condition, this::column, constants));
        }
    }

    /** Unions of single values restrict like IN lists; others are ranges. */
    private void record(Map<Scope.Column, List<KeyInterval>> implied) {
        implied.forEach((column, union) -> {
            if (union.stream().allMatch(KeyInterval::isPoint)) {
                List<Value> values = new ArrayList<>();
                for (KeyInterval point : union) {
                    if (!values.contains(point.lower())) {
                        values.add(point.lower());
                    }
                }
                memberships.add(new Membership(column, values));
            } else {
                rangeMemberships.add(new RangeMembership(column, union));
            }
        });
    }

    /** Adds {@code a = b} for two columns, e.g. from JOIN … USING. */
    void equal(Scope.Column a, Scope.Column b) {
        union(a, b);
    }

    /** Restricts the tables of this level by what the conditions imply. */
    void restrictTables() {
        Map<Scope.Column, List<Value>> classValues = new HashMap<>();
        for (Membership membership : memberships) {
            Scope.Column root = find(membership.column());
            List<Value> known = classValues.get(root);
            if (known == null || membership.values().size() < known.size()) {
                classValues.put(root, membership.values());
            }
        }
        Map<Scope.Column, Boolean> columns = new LinkedHashMap<>();
        for (Membership membership : memberships) {
            columns.put(membership.column(), true);
        }
        for (RangeMembership membership : rangeMemberships) {
            columns.put(membership.column(), true);
        }
        for (Scope.Column column : parent.keySet()) {
            columns.put(column, true);
        }
        for (Scope.Column column : columns.keySet()) {
            if (column.item() == null || column.item().table == null || !scope.owns(column.item())) {
                continue;
            }
            List<Value> values = classValues.get(find(column));
            if (values != null) {
                column.item().table.restrict(column.name(), values);
            }
            Scope.Column root = find(column);
            for (RangeMembership membership : rangeMemberships) {
                if (find(membership.column()).equals(root)) {
                    column.item().table.restrictToRanges(column.name(), membership.union());
                }
            }
        }
    }

    private void comparison(Node expression) {
        String kind = expression.string("kind");
        if (!isEquality(expression.names("name"))) {
            return;
        }
        Node left = expression.node("lexpr");
        Node right = expression.node("rexpr");
        if ("AEXPR_OP".equals(kind)) {
            if (left != null && right != null && left.is("RowExpr") && right.is("RowExpr")) {
                List<Node> leftItems = left.positional("args");
                List<Node> rightItems = right.positional("args");
                if (leftItems.size() == rightItems.size()) {
                    for (int i = 0; i < leftItems.size(); i++) {
                        pair(leftItems.get(i), rightItems.get(i));
                    }
                }
            } else {
                pair(left, right);
            }
        } else if ("AEXPR_IN".equals(kind)) {
            Scope.Column column = column(left);
            if (column != null && right != null && right.is("List")) {
                List<Value> values = new ArrayList<>();
                for (Node item : right.positional("items")) {
                    Value value = constants.valueOf(item);
                    if (value == null) {
                        return;
                    }
                    if (!values.contains(value)) {
                        values.add(value);
                    }
                }
                if (!values.isEmpty()) {
                    memberships.add(new Membership(column, values));
                }
            }
        }
    }

    private void pair(Node left, Node right) {
        Scope.Column leftColumn = column(left);
        Scope.Column rightColumn = column(right);
        if (leftColumn != null && rightColumn != null) {
            union(leftColumn, rightColumn);
        } else if (leftColumn != null) {
            Value value = constants.valueOf(right);
            if (value != null) {
                memberships.add(new Membership(leftColumn, List.of(value)));
            }
        } else if (rightColumn != null) {
            Value value = constants.valueOf(left);
            if (value != null) {
                memberships.add(new Membership(rightColumn, List.of(value)));
            }
        }
    }

    /** A plain column reference, resolved; null for anything else, including {@code t.*} and {@code col::type}. */
    Scope.Column column(Node expression) {
        if (expression == null || !expression.is("ColumnRef")) {
            return null;
        }
        List<String> parts = expression.names("fields");
        return parts == null || parts.isEmpty() ? null : scope.resolve(parts);
    }

    /** {@code =} or {@code OPERATOR(pg_catalog.=)}. */
    static boolean isEquality(List<String> operator) {
        if (operator == null || operator.isEmpty() || !"=".equals(operator.getLast())) {
            return false;
        }
        return operator.size() == 1 || (operator.size() == 2 && "pg_catalog".equals(operator.getFirst()));
    }

    private Scope.Column find(Scope.Column column) {
        Scope.Column root = column;
        while (true) {
            Scope.Column up = parent.get(root);
            if (up == null || up.equals(root)) {
                break;
            }
            root = up;
        }
        Scope.Column current = column;
        while (!current.equals(root)) {
            Scope.Column next = parent.get(current);
            parent.put(current, root);
            current = next;
        }
        return root;
    }

    private void union(Scope.Column a, Scope.Column b) {
        parent.putIfAbsent(a, a);
        parent.putIfAbsent(b, b);
        Scope.Column rootA = find(a);
        Scope.Column rootB = find(b);
        if (!rootA.equals(rootB)) {
            parent.put(rootA, rootB);
        }
    }
}
