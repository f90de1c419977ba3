package dev.shardgate.sql;

import dev.shardgate.sql.CoLocation.Column;
import dev.shardgate.sql.CoLocation.Equalities;
import dev.shardgate.sql.CoLocation.Item;
import dev.shardgate.sql.CoLocation.Level;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the rows of a co-located query level split by shard: each of its rows is made from one
 * shard's rows alone and no two shards make equal ones, so the shards' rows together are what one
 * server holding every row gives. True without aggregates, or grouped by the distribution key;
 * DISTINCT and DISTINCT ON must include the key, windows be partitioned by it, and (below the top
 * level, where the merge cannot apply them) no LIMIT or OFFSET. Also: which output columns hold the key.
 */
final class ShardSplit {
    private ShardSplit() {
    }

    /** Whether the key of the level's rows is a column of the given expression list, at every key position. */
    private static boolean holdsKey(List<Node> expressions, Level level, Equalities equalities, Item anchor) {
        int positions = anchor.placement.keyColumns().size();
        for (int i = 0; i < positions; i++) {
            boolean found = false;
            for (Node expression : expressions) {
                found |= isKeyAt(expression, i, level, equalities, anchor);
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKeyAt(Node expression, int position, Level level, Equalities equalities, Item anchor) {
        Column column = level.resolve(expression);
        String anchorKey = anchor.keyColumn(position);
        return column != null && anchorKey != null && equalities.same(column, new Column(anchor, anchorKey));
    }

    /**
     * Why the level's rows do not split by shard (each row of one shard only, as one server would
     * give it), or null when they do.
     */
    static String whyNot(Node select, Level level, Equalities equalities, Item anchor, boolean top) {
        if (!top && (select.has("limitCount") || select.has("limitOffset"))) {
            return "has LIMIT or OFFSET";
        }
        List<Node> groupBy = select.nodes("groupClause");
        boolean aggregated = !groupBy.isEmpty() || select.has("havingClause")
                || MultiShardAnalysis.containsAggregate(select.raw("targetList"));
        if (aggregated) {
            if (groupBy.stream().anyMatch(item -> item.is("GroupingSet"))) {
                return "has GROUPING SETS, ROLLUP or CUBE";
            }
            if (!holdsKey(groupBy, level, equalities, anchor)) {
                return "aggregates without grouping by the distribution key";
            }
        }
        List<Node> distinctOn = select.positional("distinctClause");
        if (select.has("distinctClause")) {
            boolean plain = distinctOn.size() == 1 && distinctOn.getFirst() == null;
            List<Node> compared = plain ? values(select.nodes("targetList")) : select.nodes("distinctClause");
            if (!holdsKey(compared, level, equalities, anchor)) {
                return "has DISTINCT without the distribution key";
            }
        }
        if (!windowsByKey(select, level, equalities, anchor)) {
            return "has a window function not partitioned by the distribution key";
        }
        return null;
    }

    private static List<Node> values(List<Node> targets) {
        List<Node> values = new ArrayList<>();
        for (Node target : targets) {
            Node value = target.node("val");
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    /** Every window of the level (OVER (…) and WINDOW w AS (…)) is partitioned by the key. */
    private static boolean windowsByKey(Node select, Level level, Equalities equalities, Item anchor) {
        Map<String, Node> named = new HashMap<>();
        for (Node window : select.nodes("windowClause")) {
            named.put(window.string("name"), window);
        }
        List<Node> windows = new ArrayList<>(select.nodes("windowClause"));
        collectOvers(select.raw("targetList"), windows);
        collectOvers(select.raw("sortClause"), windows);
        for (Node window : windows) {
            Node definition = window;
            for (int depth = 0; definition != null && !definition.has("partitionClause") && depth < 10; depth++) {
                String reference = definition.string("refname");
                definition = reference == null ? null : named.get(reference);
            }
            if (definition == null || !holdsKey(definition.nodes("partitionClause"), level, equalities, anchor)) {
                return false;
            }
        }
        return true;
    }

    private static void collectOvers(Object json, List<Node> windows) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                collectOvers(item, windows);
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && (node.is("SubLink") || node.is("SelectStmt"))) {
                return;
            }
            if (node != null && node.is("FuncCall") && node.has("over")) {
                Node over = node.struct("over", "WindowDef");
                if (over != null) {
                    windows.add(over.has("partitionClause") || over.string("refname") != null || over.string("name") == null
                            ? over : named(over));
                }
            }
            for (Object value : map.values()) {
                collectOvers(value, windows);
            }
        }
    }

    /** {@code OVER w}: the parser puts the window's name in {@code name}; it stands for that window. */
    private static Node named(Node over) {
        Map<String, Object> fields = new HashMap<>(over.fields());
        fields.put("refname", over.string("name"));
        return new Node("WindowDef", fields);
    }

    /** The output columns of a level whose rows split by shard that hold its key: name → key position. */
    static Map<String, Integer> keyOutputs(Node select, Level level, Equalities equalities, Item anchor) {
        Map<String, Integer> outputs = new LinkedHashMap<>();
        for (Node target : select.nodes("targetList")) {
            Node value = target.node("val");
            if (isStar(value)) {
                List<Node> fields = value.positional("fields");
                List<Item> from = level.items.stream().filter(item -> item.fromClause).toList();
                String qualifier = fields.size() == 2 && fields.getFirst() != null && fields.getFirst().is("String")
                        ? fields.getFirst().stringValue() : null;
                for (Item item : from) {
                    boolean meant = fields.size() == 1 ? from.size() == 1 : item.name != null && item.name.equals(qualifier);
                    if (meant && item.placement != null) {
                        item.keyColumns.forEach(outputs::putIfAbsent);
                    }
                }
                continue;
            }
            String name = OutputNames.of(target.string("name"), value);
            for (int i = 0; i < anchor.placement.keyColumns().size(); i++) {
                if (name != null && isKeyAt(value, i, level, equalities, anchor)) {
                    outputs.putIfAbsent(name, i);
                }
            }
        }
        return outputs;
    }

    /**
     * Key outputs under column aliases ({@code AS s(a, b)}): renamed by position, which a {@code *}
     * hides, so then none are known.
     */
    static Map<String, Integer> renamed(Map<String, Integer> keyOutputs, List<Node> aliases, Node select) {
        if (aliases.isEmpty()) {
            return keyOutputs;
        }
        List<Node> targets = select.nodes("targetList");
        Map<String, Integer> renamed = new LinkedHashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            Node value = targets.get(i).node("val");
            if (isStar(value)) {
                return Map.of();
            }
            String name = OutputNames.of(targets.get(i).string("name"), value);
            Integer position = name == null ? null : keyOutputs.get(name);
            String alias = i < aliases.size() && aliases.get(i) != null ? aliases.get(i).stringValue() : name;
            if (position != null && alias != null) {
                renamed.putIfAbsent(alias, position);
            }
        }
        return renamed;
    }

    static boolean isStar(Node value) {
        if (value == null || !value.is("ColumnRef")) {
            return false;
        }
        List<Node> fields = value.positional("fields");
        return !fields.isEmpty() && fields.getLast() != null && fields.getLast().is("A_Star");
    }
}
