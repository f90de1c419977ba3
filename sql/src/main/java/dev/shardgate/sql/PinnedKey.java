package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keys a co-located SELECT's rows are pinned to: a distributed relation of its top-level FROM
 * (on any side of a join: the conditions below are strict, so they drop rows null-extended on it)
 * whose key column the top-level AND of the WHERE restricts to constants or parameters ({@code
 * t1.id = 5}, {@code t1.id IN (5, 17)}). When every shard could
 * answer its part of the SELECT alone ({@link CoLocation}), every row the statement combines shares
 * its key with a row of that relation, so only the shards of those keys have rows for it: the
 * statement runs on them as PostgreSQL would run it on all rows (an aggregate over no rows
 * elsewhere adds nothing).
 *
 * @param table the pinned relation as the statement names it
 * @param values the key values it is restricted to
 */
public record PinnedKey(TableRef table, List<Value> values) {

    /** The pinned key of a one-SELECT text whose rows split by shard; null when there is none. */
    static PinnedKey read(Object tree, byte[] utf8, Placement.Lookup placements) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws) || raws.size() != 1
                || !(raws.getFirst() instanceof Map<?, ?> entry)) {
            return null;
        }
        Node select = Node.of(entry.get("stmt"));
        if (select == null || !select.is("SelectStmt") || select.has("valuesLists")
                || (select.string("op") != null && !"SETOP_NONE".equals(select.string("op")))) {
            return null;
        }
        if (!(CoLocation.of(select, placements) instanceof CoLocation.Verdict.Pushdown)) {
            return null;
        }
        List<Node> from = select.nodes("fromClause");
        List<Node> relations = new ArrayList<>();
        for (Node item : from) {
            rangeVars(item, relations);
        }
        boolean alone = from.size() == 1 && from.getFirst().is("RangeVar");
        Constants constants = new Constants(utf8);
        List<Node> conditions = new ArrayList<>();
        conjuncts(select.node("whereClause"), conditions);
        for (Node rangeVar : relations) {
            TableRef table = QueryAnalysis.tableRef(rangeVar);
            if (!(placements.of(table) instanceof Placement.Distributed distributed) || distributed.keyColumns().size() != 1) {
                continue;
            }
            String key = distributed.keyColumns().getFirst();
            for (Node condition : conditions) {
                List<Value> values = pinnedValues(condition, table, key, alone, constants);
                if (values != null) {
                    return new PinnedKey(table, values);
                }
            }
        }
        return null;
    }

    /**
     * The RangeVars of a FROM item, on either side of any join: the WHERE's {@code k = v} and
     * {@code k IN (…)} are strict, so a row null-extended on that relation never passes them, and
     * every row left has one of its rows.
     */
    private static void rangeVars(Node item, List<Node> found) {
        if (item.is("RangeVar")) {
            found.add(item);
        } else if (item.is("JoinExpr")) {
            for (String side : List.of("larg", "rarg")) {
                Node arg = item.node(side);
                if (arg != null) {
                    rangeVars(arg, found);
                }
            }
        }
    }

    private static void conjuncts(Node condition, List<Node> found) {
        if (condition == null) {
            return;
        }
        if (condition.is("BoolExpr") && "AND_EXPR".equals(condition.string("boolop"))) {
            for (Node argument : condition.nodes("args")) {
                conjuncts(argument, found);
            }
        } else {
            found.add(condition);
        }
    }

    /** {@code key = v} (either side) or {@code key IN (v, …)} over the table's key column; else null. */
    private static List<Value> pinnedValues(Node condition, TableRef table, String key, boolean alone, Constants constants) {
        if (!condition.is("A_Expr")) {
            return null;
        }
        String kind = condition.string("kind");
        if ("AEXPR_OP".equals(kind) && Conjunction.isEquality(condition.names("name"))) {
            Node left = condition.node("lexpr");
            Node right = condition.node("rexpr");
            if (names(left, table, key, alone) && constants.valueOf(right) != null) {
                return List.of(constants.valueOf(right));
            }
            if (names(right, table, key, alone) && constants.valueOf(left) != null) {
                return List.of(constants.valueOf(left));
            }
        } else if ("AEXPR_IN".equals(kind) && Conjunction.isEquality(condition.names("name"))
                && names(condition.node("lexpr"), table, key, alone)) {
            Node list = condition.node("rexpr");
            if (list == null || !list.is("List")) {
                return null;
            }
            List<Value> values = new ArrayList<>();
            for (Node item : list.positional("items")) {
                Value value = constants.valueOf(item);
                if (value == null) {
                    return null;
                }
                values.add(value);
            }
            return values.isEmpty() ? null : values;
        }
        return null;
    }

    /** The expression is the table's key column, qualified by its visible name (or bare when it is the only FROM item). */
    private static boolean names(Node expression, TableRef table, String key, boolean alone) {
        if (expression == null || !expression.is("ColumnRef")) {
            return false;
        }
        List<String> parts = expression.names("fields");
        if (parts == null || parts.isEmpty() || !parts.getLast().equals(key)) {
            return false;
        }
        if (parts.size() == 1) {
            return alone;
        }
        String visible = table.alias() != null ? table.alias() : table.name();
        if (parts.size() == 2) {
            return parts.get(0).equals(visible);
        }
        return parts.size() == 3 && table.alias() == null && parts.get(0).equals(table.schema()) && parts.get(1).equals(table.name());
    }
}
