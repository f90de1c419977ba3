package dev.shardgate.sql;

import dev.shardgate.sql.MultiShardShape.Collated;
import dev.shardgate.sql.MultiShardShape.FromScope;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads from the parse tree what decides the collation of an expression and where its columns come from. */
final class CollationInputs {
    private CollationInputs() {
    }

    /** The collation inputs of an expression, with a COLLATE clause written around it (ORDER BY x COLLATE "C"). */
    static Collated of(Node expression, String explicitAround) {
        if (expression == null) {
            return Collated.UNKNOWN;
        }
        String explicit = explicitAround;
        Node inner = expression;
        if (explicit == null && inner.is("CollateClause")) {
            explicit = collationName(inner);
            inner = inner.node("arg");
        }
        // min and max give one of their inputs, in its collation
        String function = MultiShardAnalysis.functionName(inner);
        if (("min".equals(function) || "max".equals(function)) && inner.nodes("args").size() == 1) {
            return of(inner.nodes("args").getFirst(), explicit);
        }
        List<String> nested = new ArrayList<>();
        List<List<String>> columns = new ArrayList<>();
        boolean[] opaque = {false};
        collect(inner == null ? null : Map.of(inner.type(), inner.fields()), nested, columns, opaque);
        boolean plain = inner != null && inner.is("ColumnRef") && columns.size() == 1;
        return new Collated(explicit, nested, columns, plain, opaque[0]);
    }

    /** {@code "C"}, {@code pg_catalog."C"}: the name as written, parts joined by a dot. */
    static String collationName(Node collateClause) {
        List<String> names = collateClause.names("collname");
        return names == null ? "?" : String.join(".", names);
    }

    private static void collect(Object json, List<String> nested, List<List<String>> columns, boolean[] opaque) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                collect(item, nested, columns, opaque);
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null) {
                switch (node.type()) {
                    case "SubLink", "SelectStmt", "A_Star" -> {
                        opaque[0] = true;
                        return;
                    }
                    case "ColumnRef" -> {
                        List<String> names = node.names("fields");
                        if (names == null) {
                            opaque[0] = true; // t.*
                        } else {
                            columns.add(names);
                        }
                        return;
                    }
                    case "CollateClause" -> nested.add(collationName(node));
                    default -> { }
                }
            }
            for (Object value : map.values()) {
                collect(value, nested, columns, opaque);
            }
        }
    }

    /** The tables and views of the top-level FROM, and whether it has other sources too. */
    static FromScope fromScope(Node select) {
        Set<String> withNames = new HashSet<>();
        Node with = select.struct("withClause", "WithClause");
        if (with != null) {
            for (Node cte : with.nodes("ctes")) {
                withNames.add(cte.string("ctename"));
            }
        }
        List<TableRef> relations = new ArrayList<>();
        boolean[] others = {false};
        for (Node item : select.nodes("fromClause")) {
            addFromItem(item, withNames, relations, others);
        }
        return new FromScope(relations, others[0]);
    }

    private static void addFromItem(Node item, Set<String> withNames, List<TableRef> relations, boolean[] others) {
        if (item.is("RangeVar")) {
            TableRef ref = QueryAnalysis.tableRef(item);
            if (ref.schema() == null && withNames.contains(ref.name())) {
                others[0] = true;
            } else {
                relations.add(ref);
            }
        } else if (item.is("JoinExpr") && !item.has("alias") && !item.has("join_using_alias")) {
            Node left = item.node("larg");
            Node right = item.node("rarg");
            if (left != null) {
                addFromItem(left, withNames, relations, others);
            }
            if (right != null) {
                addFromItem(right, withNames, relations, others);
            }
        } else {
            others[0] = true;
        }
    }
}
