package dev.shardgate.sql;

import dev.shardgate.sql.MultiShardShape.Unsupported;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads from libpg_query's parse tree the {@link MultiShardShape} of a query string: what each shard
 * must run and how the answers combine. Anything whose combined answer could differ from what one
 * server holding all rows would give is {@link Unsupported}, with the reason.
 */
final class MultiShardAnalysis {
    private MultiShardAnalysis() {
    }

    static MultiShardShape shape(Object tree, byte[] utf8) {
        return shape(tree, utf8, null);
    }

    /** With {@code placements} (null: unknown), a SELECT whose shards can answer alone is pushed down (see CoLocation). */
    static MultiShardShape shape(Object tree, byte[] utf8, Placement.Lookup placements) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws) || raws.size() != 1
                || !(raws.getFirst() instanceof Map<?, ?> entry)) {
            return new Unsupported("a query string with several statements cannot run on several shards");
        }
        Node statement = Node.of(entry.get("stmt"));
        int location = entry.get("stmt_location") instanceof Number n ? n.intValue() : 0;
        SourceText text = new SourceText(utf8);
        if (statement == null) {
            return new Unsupported("an empty statement cannot run on several shards");
        }
        return switch (statement.type()) {
            case "SelectStmt" -> placements == null ? SelectShapes.of(statement, text) : select(statement, text, placements);
            case "UpdateStmt", "DeleteStmt" -> modify(statement, text);
            case "InsertStmt" -> insert(statement, text, location);
            default -> new Unsupported(statement.type().replace("Stmt", "").toUpperCase(java.util.Locale.ROOT)
                    + " cannot run on several shards");
        };
    }

    /**
     * A SELECT that reads one distributed relation once, in its FROM, and that the streaming merge
     * answers, runs as it always did; other SELECTs run shard-local when CoLocation allows it.
     */
    private static MultiShardShape select(Node statement, SourceText text, Placement.Lookup placements) {
        MultiShardShape plain = SelectShapes.of(statement, text);
        long distributedUses = tables(statement.fields()).stream()
                .filter(table -> placements.of(table) instanceof Placement.Distributed).count();
        boolean plainSuffices = distributedUses <= 1 && !(plain instanceof Unsupported);
        if (plainSuffices) {
            return plain;
        }
        return switch (CoLocation.of(statement, placements)) {
            case CoLocation.Verdict.Pushdown pushdown -> SelectShapes.of(statement, text, pushdown.rowsComplete(),
                    "pushdown: each shard answers alone (distribution " + pushdown.distribution() + ", co-located on its key"
                            + (pushdown.rowsComplete() ? "; rows final on each shard" : "; aggregates merged") + ")");
            case CoLocation.Verdict.Refused refused when distributedUses <= 1 -> plain;
            case CoLocation.Verdict.Refused refused -> new Unsupported("a statement on several shards runs there only when"
                    + " its distributed relations are joined on the distribution key: " + refused.reason());
        };
    }

    private static MultiShardShape modify(Node statement, SourceText text) {
        String function = KnownFunctions.firstNotBuiltIn(statement.fields());
        if (function != null) {
            return notBuiltIn(function, statement.is("UpdateStmt") ? "UPDATE" : "DELETE");
        }
        Node target = statement.struct("relation", "RangeVar");
        List<TableRef> sources = target == null ? List.of() : List.of(QueryAnalysis.tableRef(target));
        return new MultiShardShape.Modify(text.slice(0, text.length()), tables(statement.fields()), sources);
    }

    /** INSERT … VALUES (…), (…): the rows' texts, to be regrouped by the shard each belongs to. */
    private static MultiShardShape insert(Node insert, SourceText text, int statementStart) {
        String function = KnownFunctions.firstNotBuiltIn(insert.fields());
        if (function != null) {
            return notBuiltIn(function, "INSERT");
        }
        Node source = insert.node("selectStmt");
        if (source == null || !source.is("SelectStmt") || !source.has("valuesLists") || source.has("withClause")) {
            return new Unsupported("only INSERT … VALUES can have its rows sent to several shards");
        }
        int values = text.keywordAtTopLevel("VALUES", statementStart);
        if (values < 0) {
            return new Unsupported("the VALUES list of the INSERT was not found");
        }
        int afterKeyword = values + "VALUES".length();
        List<String> rows = new ArrayList<>();
        int i = text.skipBlanks(afterKeyword);
        int lastEnd = afterKeyword;
        while (text.at(i) == '(') {
            int end = text.afterMatchingParenthesis(i);
            if (end < 0) {
                break;
            }
            rows.add(text.slice(i, end));
            lastEnd = end;
            i = text.skipBlanks(end);
            if (text.at(i) != ',') {
                break;
            }
            i = text.skipBlanks(i + 1);
        }
        if (rows.size() != source.nodes("valuesLists").size()) {
            return new Unsupported("the rows of the INSERT's VALUES list could not be told apart");
        }
        return new MultiShardShape.Insert(text.slice(0, afterKeyword) + " ", rows, text.slice(lastEnd, text.length()));
    }

    /** One server would run the function once over all rows; each shard would run it over its own rows only. */
    private static Unsupported notBuiltIn(String function, String verb) {
        return new Unsupported("function " + function + " is not a built-in function of PostgreSQL: a multi-shard " + verb
                + " would call it on each shard, where it sees and changes that shard's rows only");
    }

    /** Every table named anywhere in the subtree, once per use. */
    static List<TableRef> tables(Object json) {
        List<TableRef> found = new ArrayList<>();
        collectTables(json, found);
        return found;
    }

    @SuppressWarnings("unchecked")
    private static void collectTables(Object json, List<TableRef> found) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                collectTables(item, found);
            }
        } else if (json instanceof Map<?, ?> map) {
            if (map.get("relname") instanceof String) {
                found.add(QueryAnalysis.tableRef(new Node("RangeVar", (Map<String, Object>) map)));
                return;
            }
            for (Object value : map.values()) {
                collectTables(value, found);
            }
        }
    }

    /** PostgreSQL's built-in aggregates: a call to one of these is an aggregate even without DISTINCT or *. */
    static final Set<String> AGGREGATES = Set.of("avg", "bit_and", "bit_or", "bit_xor", "bool_and", "bool_or",
            "count", "every", "max", "min", "sum", "array_agg", "string_agg", "json_agg", "jsonb_agg",
            "json_agg_strict", "jsonb_agg_strict", "json_object_agg", "jsonb_object_agg", "json_objectagg",
            "json_arrayagg", "xmlagg", "corr", "covar_pop", "covar_samp", "regr_avgx", "regr_avgy", "regr_count",
            "regr_intercept", "regr_r2", "regr_slope", "regr_sxx", "regr_sxy", "regr_syy", "stddev", "stddev_pop",
            "stddev_samp", "variance", "var_pop", "var_samp", "mode", "percentile_cont", "percentile_disc",
            "range_agg", "range_intersect_agg", "any_value", "grouping");

    /** The function's own name, lower-case as the parser folds it; null for other nodes. */
    static String functionName(Node call) {
        if (call == null || !call.is("FuncCall")) {
            return null;
        }
        List<String> names = call.names("funcname");
        return names == null || names.isEmpty() ? null : names.getLast();
    }

    static boolean isAggregateCall(Node node) {
        if (node == null || !node.is("FuncCall") || node.has("over")) {
            return false;
        }
        return AGGREGATES.contains(functionName(node)) || node.flag("agg_star") || node.flag("agg_distinct")
                || node.has("agg_order") || node.has("agg_filter") || node.flag("agg_within_group");
    }

    /** True when the subtree holds an aggregate call outside nested queries. */
    static boolean containsAggregate(Object json) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                if (containsAggregate(item)) {
                    return true;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && (node.is("SubLink") || node.is("SelectStmt"))) {
                return false;
            }
            if (isAggregateCall(node)) {
                return true;
            }
            for (Object value : map.values()) {
                if (containsAggregate(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the subtree holds a window function call (… OVER …), at any depth. */
    static boolean containsWindowFunction(Object json) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                if (containsWindowFunction(item)) {
                    return true;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("FuncCall") && node.has("over")) {
                return true;
            }
            for (Object value : map.values()) {
                if (containsWindowFunction(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The tree without its {@code location} fields, so that two spellings of one expression compare equal. */
    static Object withoutLocations(Object json) {
        if (json instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(withoutLocations(item));
            }
            return copy;
        }
        if (json instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> {
                if (!"location".equals(key)) {
                    copy.put(key, withoutLocations(value));
                }
            });
            return copy;
        }
        return json;
    }
}
