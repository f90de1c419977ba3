package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether every shard can answer its part of a SELECT alone (pushdown): all distributed relations
 * it reads belong to one distribution and each row it combines comes from one shard, because the
 * relations are joined on the distribution key, directly or through subqueries, CTEs, derived
 * tables and EXISTS/IN subqueries. Reference relations join anything.
 *
 * <p>Strict by design: only {@code a.k = b.k} between plain column references counts, in a WHERE
 * or inner JOIN condition (top-level AND), in an outer join's ON (linking the null-extended side
 * to the preserved one), or {@code a.k IN (SELECT b.k …)} in the WHERE. A subquery reading a
 * distributed relation must be pinned to an outer row by such an equality (then all rows it sees
 * live with that row), or give rows that split by shard (derived tables, CTEs, IN lists). A
 * relation that is neither distributed nor a reference relation prevents pushdown.
 */
final class CoLocation {

    /** The outcome. */
    sealed interface Verdict {
        /**
         * Each shard answers its part alone.
         *
         * @param rowsComplete the statement's own result rows split by shard (no aggregate, or
         *     grouped by the key; DISTINCT, DISTINCT ON and windows over the key): shard rows are
         *     final, only ORDER BY and LIMIT act on them after merging
         */
        record Pushdown(String distribution, boolean rowsComplete) implements Verdict {
        }

        record Refused(String reason) implements Verdict {
        }
    }

    /** Why pushdown is impossible; thrown inside the analysis only. */
    private static final class Refusal extends RuntimeException {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A FROM item (or an IN subquery standing for one). Identity matters: two uses of a table are two items. */
    static final class Item {
        final String name;
        final String schema;
        final String shown;
        /** The placement of its rows when they split by shard; null for items copied on every shard. */
        final Placement.Distributed placement;
        /** Column name → key position, for the columns that hold the key. */
        final Map<String, Integer> keyColumns;
        final boolean fromClause;

        Item(String name, String schema, String shown, Placement.Distributed placement, Map<String, Integer> keyColumns,
             boolean fromClause) {
            this.name = name;
            this.schema = schema;
            this.shown = shown;
            this.placement = placement;
            this.keyColumns = keyColumns;
            this.fromClause = fromClause;
        }

        String keyColumn(int position) {
            for (Map.Entry<String, Integer> entry : keyColumns.entrySet()) {
                if (entry.getValue() == position) {
                    return entry.getKey();
                }
            }
            return null;
        }
    }

    record Column(Item item, String name) {
    }

    /** {@code a = b}; {@code outerJoin} is the outer join whose ON states it, or -1. */
    private record Edge(Column a, Column b, int outerJoin) {
    }

    /** An outer join of a level: the items of its sides, and which sides are preserved. */
    private record OuterJoin(int id, List<Item> left, List<Item> right, boolean leftPreserved, boolean rightPreserved) {
    }

    /** A CTE's body, as seen by references to it. */
    private record Cte(Placement.Distributed placement, Map<String, Integer> keyOutputs) {
    }

    /** One query level under analysis. */
    static final class Level {
        final Level outer;
        final Map<String, Cte> ctes;
        final List<Item> items = new ArrayList<>();
        final List<Edge> edges = new ArrayList<>();
        final List<OuterJoin> outerJoins = new ArrayList<>();

        Level(Level outer, Map<String, Cte> ctes) {
            this.outer = outer;
            this.ctes = ctes;
        }

        Column resolve(Node columnRef) {
            if (columnRef == null || !columnRef.is("ColumnRef")) {
                return null;
            }
            List<String> parts = columnRef.names("fields");
            if (parts == null) {
                return null;
            }
            if (parts.size() == 1) {
                // bare: surely this level's only item when that item is known to have the column
                List<Item> from = items.stream().filter(item -> item.fromClause).toList();
                if (from.size() == 1 && from.getFirst().keyColumns.containsKey(parts.getFirst())) {
                    return new Column(from.getFirst(), parts.getFirst());
                }
                return null;
            }
            String schema = parts.size() == 3 ? parts.get(0) : null;
            String name = parts.get(parts.size() - 2);
            if (parts.size() > 3) {
                return null;
            }
            for (Level level = this; level != null; level = level.outer) {
                Item found = null;
                int matches = 0;
                for (Item item : level.items) {
                    if (item.fromClause && name.equals(item.name) && (schema == null || schema.equals(item.schema))) {
                        found = item;
                        matches++;
                    }
                }
                if (matches == 1) {
                    return new Column(found, parts.getLast());
                }
                if (matches > 1) {
                    return null;
                }
            }
            return null;
        }

        List<Item> distributed() {
            return items.stream().filter(item -> item.placement != null).toList();
        }
    }

    /** What a query level yields to the level around it. */
    private record Body(Placement.Distributed placement, boolean pinned, boolean splits, Map<String, Integer> keyOutputs,
                        String notSplit) {
        boolean readsDistributed() {
            return placement != null;
        }
    }

    private final Placement.Lookup placements;
    private int outerJoinIds;

    private CoLocation(Placement.Lookup placements) {
        this.placements = placements;
    }

    /** The verdict for a top-level SELECT. */
    static Verdict of(Node select, Placement.Lookup placements) {
        try {
            CoLocation analysis = new CoLocation(placements);
            Body body = analysis.level(select, null, Map.of(), true);
            if (!body.readsDistributed()) {
                return new Verdict.Refused("it reads no distributed relation");
            }
            return new Verdict.Pushdown(body.placement().distribution(), body.splits());
        } catch (Refusal refusal) {
            return new Verdict.Refused(refusal.getMessage());
        }
    }

    /**
     * Analyses one query level. {@code top}: the statement itself, whose LIMIT and ORDER BY the
     * merge applies (they do not stop its rows from splitting by shard).
     */
    private Body level(Node select, Level outer, Map<String, Cte> outerCtes, boolean top) {
        String op = select.string("op");
        if ((op != null && !"SETOP_NONE".equals(op)) || select.has("valuesLists")) {
            for (TableRef table : MultiShardAnalysis.tables(select.fields())) {
                if (!(placementOf(table, outerCtes) instanceof Placement.Reference)) {
                    throw new Refusal("UNION, INTERSECT, EXCEPT and VALUES over " + table.qualifiedName() + " cannot run shard-local");
                }
            }
            return new Body(null, false, false, Map.of(), null);
        }
        Map<String, Cte> ctes = with(select.struct("withClause", "WithClause"), outer, outerCtes);
        Level level = new Level(outer, ctes);
        for (Node item : select.nodes("fromClause")) {
            fromItem(item, level);
        }
        Set<Object> inLists = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        conjuncts(select.node("whereClause"), level, -1, inLists);
        for (String field : List.of("targetList", "whereClause", "groupClause", "havingClause", "windowClause",
                "sortClause", "distinctClause", "limitOffset", "limitCount")) {
            sublinks(select.raw(field), level, inLists);
        }
        return check(select, level, top);
    }

    private Placement placementOf(TableRef table, Map<String, Cte> ctes) {
        if (table.schema() == null && ctes.containsKey(table.name())) {
            Cte cte = ctes.get(table.name());
            return cte.placement() == null ? new Placement.Reference() : cte.placement();
        }
        return placements.of(table);
    }

    /** WITH: each CTE's body must split by shard (or read no distributed relation). */
    private Map<String, Cte> with(Node withClause, Level outer, Map<String, Cte> outerCtes) {
        if (withClause == null) {
            return outerCtes;
        }
        Map<String, Cte> ctes = new HashMap<>(outerCtes);
        for (Node cte : withClause.nodes("ctes")) {
            String name = cte.string("ctename");
            Node query = cte.node("ctequery");
            if (query == null || !query.is("SelectStmt")) {
                throw new Refusal("WITH query " + name + " writes: a data-modifying WITH cannot run shard-local");
            }
            if (withClause.flag("recursive")) {
                for (TableRef table : MultiShardAnalysis.tables(query.fields())) {
                    if (!table.name().equals(name) && !(placementOf(table, ctes) instanceof Placement.Reference)) {
                        throw new Refusal("WITH RECURSIVE over " + table.qualifiedName() + " cannot run shard-local");
                    }
                }
                ctes.put(name, new Cte(null, Map.of()));
                continue;
            }
            Body body = level(query, outer, ctes, false);
            requireSplits(body, "WITH query " + name);
            ctes.put(name, new Cte(body.placement(), ShardSplit.renamed(body.keyOutputs(), cte.positional("aliascolnames"), query)));
        }
        return ctes;
    }

    private static void requireSplits(Body body, String what) {
        if (body.readsDistributed() && !body.splits()) {
            throw new Refusal(what + " " + body.notSplit() + ", so its rows do not split by shard");
        }
    }

    /** Adds a FROM item's items to the level; returns them. */
    private List<Item> fromItem(Node item, Level level) {
        int start = level.items.size();
        switch (item.type()) {
            case "RangeVar" -> level.items.add(rangeVar(item, level));
            case "JoinExpr" -> join(item, level);
            case "RangeSubselect" -> {
                Node subquery = item.node("subquery");
                String alias = aliasName(item);
                if (subquery == null || !subquery.is("SelectStmt")) {
                    throw new Refusal("a subquery in FROM could not be read");
                }
                boolean lateral = item.flag("lateral");
                Body body = level(subquery, lateral ? level : level.outer, level.ctes, false);
                if (body.readsDistributed() && lateral && body.pinned()) {
                    // each row of it belongs to one row of the items before it, on that row's shard
                    level.items.add(new Item(alias, null, alias, null, Map.of(), true));
                } else {
                    requireSplits(body, "the subquery " + (alias == null ? "in FROM" : alias));
                    Node aliasNode = item.struct("alias", "Alias");
                    Map<String, Integer> keys = ShardSplit.renamed(body.keyOutputs(),
                            aliasNode == null ? List.of() : aliasNode.positional("colnames"), subquery);
                    level.items.add(new Item(alias, null, alias, body.placement(), keys, true));
                }
            }
            default -> {
                // a function in FROM: rows made on each shard alike, like a reference relation's
                String tables = firstTableIn(item);
                if (tables != null) {
                    throw new Refusal("the FROM item reading " + tables + " cannot run shard-local");
                }
                level.items.add(new Item(aliasName(item), null, "a function", null, Map.of(), true));
            }
        }
        return List.copyOf(level.items.subList(start, level.items.size()));
    }

    private String firstTableIn(Node item) {
        List<TableRef> tables = MultiShardAnalysis.tables(item.fields());
        return tables.isEmpty() ? null : tables.getFirst().qualifiedName();
    }

    private Item rangeVar(Node rangeVar, Level level) {
        TableRef ref = QueryAnalysis.tableRef(rangeVar);
        String visible = ref.alias() != null ? ref.alias() : ref.name();
        String schema = ref.alias() != null ? null : ref.schema();
        if (ref.schema() == null && level.ctes.containsKey(ref.name())) {
            Cte cte = level.ctes.get(ref.name());
            return new Item(visible, null, ref.name(), cte.placement(), cte.keyOutputs(), true);
        }
        return switch (placements.of(ref)) {
            case Placement.Distributed distributed -> {
                Map<String, Integer> keys = new LinkedHashMap<>();
                for (int i = 0; i < distributed.keyColumns().size(); i++) {
                    keys.put(distributed.keyColumns().get(i), i);
                }
                yield new Item(visible, schema, ref.qualifiedName(), distributed, keys, true);
            }
            case Placement.Reference reference -> new Item(visible, schema, ref.qualifiedName(), null, Map.of(), true);
            case Placement.Other other -> throw new Refusal("relation " + ref.qualifiedName()
                    + " is neither a distributed relation nor a reference relation on every shard concerned");
        };
    }

    private void join(Node join, Level level) {
        String type = join.string("jointype");
        if (join.flag("isNatural")) {
            throw new Refusal("NATURAL JOIN cannot run shard-local: the columns it compares are unknown to the router");
        }
        List<Item> left = join.node("larg") == null ? List.of() : fromItem(join.node("larg"), level);
        List<Item> right = join.node("rarg") == null ? List.of() : fromItem(join.node("rarg"), level);
        boolean inner = type == null || "JOIN_INNER".equals(type);
        int id = -1;
        if (!inner) {
            boolean leftPreserved = "JOIN_LEFT".equals(type) || "JOIN_FULL".equals(type);
            boolean rightPreserved = "JOIN_RIGHT".equals(type) || "JOIN_FULL".equals(type);
            if (!leftPreserved && !rightPreserved) {
                throw new Refusal("a join of kind " + type + " cannot run shard-local");
            }
            id = outerJoinIds++;
            level.outerJoins.add(new OuterJoin(id, left, right, leftPreserved, rightPreserved));
        }
        conjuncts(join.node("quals"), level, id, null);
        List<String> using = join.names("usingClause");
        if (using != null && left.size() == 1 && right.size() == 1) {
            for (String column : using) {
                level.edges.add(new Edge(new Column(left.getFirst(), column), new Column(right.getFirst(), column), id));
            }
        }
        sublinks(join.raw("quals"), level, null);
        if (join.has("alias")) {
            throw new Refusal("an aliased join cannot run shard-local: the router does not follow its columns");
        }
    }

    /**
     * The equalities of a condition's top-level AND. With {@code inLists} (a WHERE), {@code k IN
     * (SELECT …)} whose rows split by shard adds the subquery as an item equal on the key.
     */
    private void conjuncts(Node condition, Level level, int outerJoin, Set<Object> inLists) {
        if (condition == null) {
            return;
        }
        if (condition.is("BoolExpr") && "AND_EXPR".equals(condition.string("boolop"))) {
            for (Node argument : condition.nodes("args")) {
                conjuncts(argument, level, outerJoin, inLists);
            }
        } else if (condition.is("A_Expr") && "AEXPR_OP".equals(condition.string("kind")) && isEquality(condition.names("name"))) {
            Column a = level.resolve(condition.node("lexpr"));
            Column b = level.resolve(condition.node("rexpr"));
            if (a != null && b != null) {
                level.edges.add(new Edge(a, b, outerJoin));
            }
        } else if (inLists != null && condition.is("SubLink") && "ANY_SUBLINK".equals(condition.string("subLinkType"))
                && (!condition.has("operName") || isEquality(condition.names("operName")))) {
            Column tested = level.resolve(condition.node("testexpr"));
            Node subselect = condition.node("subselect");
            if (tested == null || subselect == null || !subselect.is("SelectStmt")) {
                return;
            }
            Body body = level(subselect, level, level.ctes, false);
            if (!body.readsDistributed() || body.pinned()) {
                inLists.add(condition.fields());
                return;
            }
            List<Node> targets = subselect.nodes("targetList");
            if (!body.splits() || targets.size() != 1 || body.placement().keyColumns().size() != 1) {
                return; // left to the check of its sublinks, which refuses it
            }
            String output = OutputNames.of(targets.getFirst().string("name"), targets.getFirst().node("val"));
            if (output == null || !Integer.valueOf(0).equals(body.keyOutputs().get(output))) {
                return;
            }
            // the rows of the subquery equal to a row's key live on that row's shard
            Item list = new Item(null, null, "the IN subquery", body.placement(), Map.of(output, 0), false);
            level.items.add(list);
            level.edges.add(new Edge(tested, new Column(list, output), -1));
            inLists.add(condition.fields());
        }
    }

    private static boolean isEquality(List<String> operator) {
        if (operator == null || operator.isEmpty() || !"=".equals(operator.getLast())) {
            return false;
        }
        return operator.size() == 1 || (operator.size() == 2 && "pg_catalog".equals(operator.getFirst()));
    }

    /** Every subquery in the expressions: it must read no distributed relation or be pinned to an outer row. */
    private void sublinks(Object json, Level level, Set<Object> handled) {
        if (json instanceof List<?> list) {
            for (Object element : list) {
                sublinks(element, level, handled);
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("SubLink")) {
                sublinks(node.raw("testexpr"), level, handled);
                if (handled != null && handled.contains(node.fields())) {
                    return;
                }
                Node subselect = node.node("subselect");
                if (subselect != null && subselect.is("SelectStmt")) {
                    Body body = level(subselect, level, level.ctes, false);
                    if (body.readsDistributed() && !body.pinned()) {
                        throw new Refusal("a subquery reads a distributed relation without an equality on its"
                                + " distribution key to a relation of the outer query");
                    }
                }
                return;
            }
            if (node != null && (node.is("SelectStmt") || node.is("InsertStmt") || node.is("UpdateStmt") || node.is("DeleteStmt"))) {
                throw new Refusal("a nested statement cannot run shard-local");
            }
            for (Object value : map.values()) {
                sublinks(value, level, handled);
            }
        }
    }

    /** Checks that the level's distributed items are co-located, and says what it yields. */
    private Body check(Node select, Level level, boolean top) {
        List<Item> distributed = level.distributed();
        if (distributed.isEmpty()) {
            return new Body(null, false, false, Map.of(), null);
        }
        Item anchor = distributed.getFirst();
        for (Item item : distributed) {
            if (!item.placement.placesLike(anchor.placement)) {
                throw new Refusal(anchor.shown + " (distribution " + anchor.placement.distribution() + ") and " + item.shown
                        + " (distribution " + item.placement.distribution() + ") do not place equal keys together");
            }
        }
        Equalities all = new Equalities(level.edges, -2);
        Item pinnedTo = pinnedTo(level, anchor, all);
        for (Item item : distributed) {
            if (!coLocated(all, anchor, item) && !(pinnedTo != null && coLocated(all, pinnedTo, item))) {
                throw new Refusal(anchor.shown + " and " + item.shown + " are not joined on the distribution key"
                        + " (" + keyText(anchor) + " = " + keyText(item) + ")");
            }
        }
        for (OuterJoin join : level.outerJoins) {
            Equalities without = new Equalities(level.edges, join.id());
            requireOuterSide(join.left(), join.right(), join.leftPreserved(), without);
            requireOuterSide(join.right(), join.left(), join.rightPreserved(), without);
        }
        boolean pinned = pinnedTo != null;
        if (!pinned && distributed.stream().noneMatch(item -> item.fromClause)) {
            throw new Refusal("the rows of the query come from no distributed relation, so each shard would give them all");
        }
        String notSplit = ShardSplit.whyNot(select, level, all, anchor, top);
        Map<String, Integer> keyOutputs = notSplit == null ? ShardSplit.keyOutputs(select, level, all, anchor) : Map.of();
        return new Body(anchor.placement, pinned, notSplit == null, keyOutputs, notSplit);
    }

    /**
     * A distributed item of an enclosing level whose key this level equates with its own anchor's:
     * every row this level reads then lives on that outer row's shard.
     */
    private static Item pinnedTo(Level level, Item anchor, Equalities equalities) {
        for (Level outer = level.outer; outer != null; outer = outer.outer) {
            for (Item item : outer.distributed()) {
                if (item.placement.placesLike(anchor.placement) && coLocated(equalities, anchor, item)) {
                    return item;
                }
            }
        }
        return null;
    }

    /**
     * A preserved side of an outer join: its own distributed items must be co-located without the
     * join's ON (which does not filter them), and it must have some if the other side has: else a
     * preserved row would be null-extended on every shard that lacks its matches.
     */
    private static void requireOuterSide(List<Item> side, List<Item> other, boolean preserved, Equalities without) {
        if (!preserved) {
            return;
        }
        List<Item> sideDistributed = side.stream().filter(item -> item.placement != null).toList();
        boolean otherDistributed = other.stream().anyMatch(item -> item.placement != null);
        if (sideDistributed.isEmpty() && otherDistributed) {
            throw new Refusal("an outer join keeps rows of relations copied on every shard while null-extending a"
                    + " distributed relation: each shard would extend them");
        }
        for (Item item : sideDistributed) {
            if (!coLocated(without, sideDistributed.getFirst(), item)) {
                throw new Refusal(sideDistributed.getFirst().shown + " and " + item.shown + " on the preserved side of an"
                        + " outer join are not joined on the distribution key outside its ON condition");
            }
        }
    }

    private static boolean coLocated(Equalities equalities, Item a, Item b) {
        if (a == b) {
            return true;
        }
        int positions = a.placement.keyColumns().size();
        if (b.placement.keyColumns().size() != positions) {
            return false;
        }
        for (int i = 0; i < positions; i++) {
            String left = a.keyColumn(i);
            String right = b.keyColumn(i);
            if (left == null || right == null || !equalities.same(new Column(a, left), new Column(b, right))) {
                return false;
            }
        }
        return true;
    }

    private static String keyText(Item item) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < item.placement.keyColumns().size(); i++) {
            String column = item.keyColumn(i);
            columns.add((item.name == null ? "" : item.name + ".") + (column == null ? "?" : column));
        }
        return String.join(", ", columns);
    }

    private static String aliasName(Node node) {
        Node alias = node.struct("alias", "Alias");
        return alias == null ? null : alias.string("aliasname");
    }

    /** Union-find over columns, from the edges of a level (all but those of one outer join). */
    static final class Equalities {
        private final Map<Column, Column> parent = new HashMap<>();

        Equalities(List<Edge> edges, int excludedOuterJoin) {
            for (Edge edge : edges) {
                if (edge.outerJoin() != excludedOuterJoin) {
                    Column a = find(edge.a());
                    Column b = find(edge.b());
                    if (!a.equals(b)) {
                        parent.put(a, b);
                    }
                }
            }
        }

        boolean same(Column a, Column b) {
            return a.equals(b) || find(a).equals(find(b));
        }

        private Column find(Column column) {
            Column current = column;
            for (Column up = parent.get(current); up != null; up = parent.get(current)) {
                current = up;
            }
            return current;
        }
    }
}
