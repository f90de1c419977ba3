package dev.shardgate.sql;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An aggregate written in a subquery whose arguments are only columns of an outer query belongs to
 * that outer query (PostgreSQL documentation, 4.2.7 Aggregate Expressions): {@code SELECT (SELECT
 * max(o.qty)) FROM orders o} answers one row over all orders. The merger would see one row per
 * shard, so such subqueries are refused where the parse tree shows it: a subquery without FROM, or
 * an argument qualified with a name the subquery's FROM does not have. (An unqualified outer column
 * cannot be told from the subquery's own without the catalog.)
 */
final class OuterAggregates {
    private OuterAggregates() {
    }

    /** Why a subquery of the statement may aggregate an outer query, or null. */
    static String refusal(Node select) {
        return nested(select.fields());
    }

    private static String nested(Object json) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                String reason = nested(item);
                if (reason != null) {
                    return reason;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("SelectStmt")) {
                String reason = ofSubquery(node);
                if (reason != null) {
                    return reason;
                }
            }
            for (Object value : map.values()) {
                String reason = nested(value);
                if (reason != null) {
                    return reason;
                }
            }
        }
        return null;
    }

    private static String ofSubquery(Node subquery) {
        Set<String> visible = new HashSet<>();
        boolean unnamedSources = false;
        for (Node item : subquery.nodes("fromClause")) {
            unnamedSources |= addNames(item, visible);
        }
        boolean noFrom = !subquery.has("fromClause");
        for (String field : List.of("targetList", "sortClause", "havingClause")) {
            String reason = aggregateOfOuterColumns(subquery.raw(field), visible, noFrom, unnamedSources);
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    /** Adds the names the FROM item makes visible; true when it has one the router cannot name. */
    private static boolean addNames(Node item, Set<String> visible) {
        Node alias = item.struct("alias", "Alias");
        if (alias != null && alias.string("aliasname") != null) {
            visible.add(alias.string("aliasname"));
        }
        return switch (item.type()) {
            case "RangeVar" -> {
                if (alias == null) {
                    visible.add(item.string("relname"));
                }
                yield false;
            }
            case "JoinExpr" -> {
                boolean unnamed = false;
                for (String side : List.of("larg", "rarg")) {
                    Node child = item.node(side);
                    unnamed |= child != null && addNames(child, visible);
                }
                yield unnamed;
            }
            default -> alias == null;
        };
    }

    private static String aggregateOfOuterColumns(Object json, Set<String> visible, boolean noFrom, boolean unnamedSources) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                String reason = aggregateOfOuterColumns(item, visible, noFrom, unnamedSources);
                if (reason != null) {
                    return reason;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && (node.is("SelectStmt") || node.is("SubLink"))) {
                return null; // its own level, checked on its own
            }
            if (MultiShardAnalysis.isAggregateCall(node) && readsOuterColumns(node.raw("args"), visible, noFrom, unnamedSources)) {
                return "aggregate " + MultiShardAnalysis.functionName(node) + " in a subquery aggregates the rows of an"
                        + " outer query (its arguments are outer columns), which cannot be merged from several shards";
            }
            for (Object value : map.values()) {
                String reason = aggregateOfOuterColumns(value, visible, noFrom, unnamedSources);
                if (reason != null) {
                    return reason;
                }
            }
        }
        return null;
    }

    private static boolean readsOuterColumns(Object json, Set<String> visible, boolean noFrom, boolean unnamedSources) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                if (readsOuterColumns(item, visible, noFrom, unnamedSources)) {
                    return true;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("ColumnRef")) {
                List<String> names = node.names("fields");
                if (noFrom) {
                    return true;
                }
                return names != null && names.size() >= 2 && !unnamedSources
                        && !visible.contains(names.get(names.size() - 2));
            }
            for (Object value : map.values()) {
                if (readsOuterColumns(value, visible, noFrom, unnamedSources)) {
                    return true;
                }
            }
        }
        return false;
    }
}
