package dev.shardgate.sql;

import dev.shardgate.sql.FinishShape.Conjunct;
import dev.shardgate.sql.FinishShape.Pull;
import dev.shardgate.sql.FinishShape.Refused;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads from libpg_query's parse tree how a SELECT is finished on one backend (see {@link FinishShape}):
 * which relation references are pulled, which of their columns and which WHERE conjuncts go with
 * them, and the statement text with each reference spliced to read its temporary table.
 */
final class FinishAnalysis {
    private FinishAnalysis() {
    }

    /** A relation reference in a FROM clause, with the query level that owns it. */
    private record Site(Node rangeVar, Node select, boolean filterable) {
    }

    /**
     * @param pullReferences reference relations are pulled too (from the client's own backend), not
     *     read in place on the finishing backend: inside a transaction block the client may have
     *     written them, which the finishing backend's own transaction would not see
     */
    static FinishShape shape(Object tree, byte[] utf8, Placement.Lookup placements, boolean pullReferences) {
        return shape(tree, utf8, placements, pullReferences, List.of(), "sg_finish_", false);
    }

    /**
     * As {@link #shape(Object, byte[], Placement.Lookup, boolean)}, the calls of {@code functions}
     * spliced to their copies in pg_temp ({@code pg_temp.name(…)}: PostgreSQL looks up functions in
     * pg_temp only when so qualified).
     *
     * @param tempPrefix the names of this text's temporary tables: the prefix and a number
     * @param body the text is the body of one of {@code functions}: every relation is pulled whole,
     *     all columns and no filter (its conjuncts may read the function's arguments, named like columns)
     */
    static FinishShape shape(Object tree, byte[] utf8, Placement.Lookup placements, boolean pullReferences,
                             List<FinishShape.Function> functions, String tempPrefix, boolean body) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws) || raws.size() != 1
                || !(raws.getFirst() instanceof Map<?, ?> entry)) {
            return new Refused("a query string with several statements cannot be finished on one shard");
        }
        Node statement = Node.of(entry.get("stmt"));
        if (statement == null || !statement.is("SelectStmt")) {
            return new Refused("only a SELECT can be finished on one shard");
        }
        String refusal = refusal(statement.fields());
        if (refusal != null) {
            return new Refused(refusal);
        }
        String function = KnownFunctions.firstNotBuiltIn(statement.fields(),
                names -> functions.stream().anyMatch(f -> f.isCalledBy(names)));
        if (function != null) {
            return new Refused("function " + function + " is not a built-in function of PostgreSQL: it may read"
                    + " distributed relations, which the finishing shard holds only some rows of");
        }
        SourceText text = new SourceText(utf8);
        Constants constants = new Constants(utf8);
        Set<String> cteNames = new HashSet<>();
        collectCteNames(statement.fields(), cteNames);
        List<Site> sites = new ArrayList<>();
        select(statement, sites);
        ColumnUse columns = new ColumnUse();
        columns.collect(statement.fields());
        if (columns.schemaQualified) {
            return new Refused("a column reference qualified by its relation's schema cannot be finished on one shard");
        }
        List<Pull> pulls = new ArrayList<>();
        List<SourceText.Edit> edits = new ArrayList<>();
        int calls = splicedCalls(statement.fields(), text, functions, edits);
        if (calls < 0) {
            return new Refused("the name of a called function was not found in the statement's text");
        }
        for (Site site : sites) {
            TableRef table = QueryAnalysis.tableRef(site.rangeVar());
            Placement placement = placements.of(table);
            if (table.schema() == null && cteNames.contains(table.name())) {
                if (!(placement instanceof Placement.Other)) {
                    return new Refused("WITH query \"" + table.name() + "\" has the name of a relation");
                }
                continue;
            }
            boolean reference;
            switch (placement) {
                case Placement.Distributed distributed -> reference = false;
                case Placement.Reference ref -> {
                    if (!pullReferences) {
                        continue;
                    }
                    reference = true;
                }
                case Placement.Other other -> {
                    return new Refused("relation " + table.qualifiedName() + " is neither distributed nor a reference"
                            + " relation on every shard, so no one shard holds all its rows");
                }
            }
            if (site.rangeVar().has("catalogname")) {
                return new Refused("relation " + table.qualifiedName() + " is named with its database");
            }
            String refName = table.alias() != null ? table.alias() : table.name();
            if (columns.singleNames.contains(refName)) {
                // its type would be the temporary table's row type, not the relation's
                return new Refused("a whole-row reference to " + refName + " cannot be finished on one shard");
            }
            String tempName = tempPrefix + (pulls.size() + 1);
            Node alias = site.rangeVar().struct("alias", "Alias");
            boolean allColumns = body || columns.needsAll(refName) || (alias != null && alias.has("colnames"));
            List<Conjunct> filter = site.filterable() && !body
                    ? conjuncts(site.select().node("whereClause"), refName, constants) : List.of();
            pulls.add(new Pull(table, refName, tempName, reference, allColumns, columns.names, filter));
            int start = (int) site.rangeVar().number("location");
            int end = nameEnd(text, start, table.schema() == null ? 1 : 2);
            if (end < 0) {
                return new Refused("the name of relation " + table.qualifiedName() + " was not found in the statement's text");
            }
            edits.add(new SourceText.Edit(start, end, "pg_temp." + tempName
                    + (table.alias() == null ? " AS " + Identifiers.quoted(table.name()) : "")));
        }
        if (pulls.isEmpty() && calls == 0 && !body) {
            return new Refused("it reads no distributed relation");
        }
        return new FinishShape.Finish(text.edited(edits), pulls);
    }

    /**
     * Adds an edit for each call of one of {@code functions}, naming its copy in pg_temp instead;
     * the number of calls, or -1 when a call's name is not where the parse tree says.
     */
    private static int splicedCalls(Object json, SourceText text, List<FinishShape.Function> functions,
                                    List<SourceText.Edit> edits) {
        int calls = 0;
        if (json instanceof List<?> list) {
            for (Object item : list) {
                int inner = splicedCalls(item, text, functions, edits);
                if (inner < 0) {
                    return -1;
                }
                calls += inner;
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("FuncCall") && !functions.isEmpty()) {
                List<String> names = node.names("funcname");
                if (names != null && functions.stream().anyMatch(f -> f.isCalledBy(names))) {
                    int start = node.has("location") ? (int) node.number("location") : -1;
                    int end = start < 0 ? -1 : nameEnd(text, start, names.size());
                    if (end < 0) {
                        return -1;
                    }
                    edits.add(new SourceText.Edit(start, end, "pg_temp." + Identifiers.quoted(names.getLast())));
                    calls++;
                }
            }
            for (Object value : map.values()) {
                int inner = splicedCalls(value, text, functions, edits);
                if (inner < 0) {
                    return -1;
                }
                calls += inner;
            }
        }
        return calls;
    }

    /** Why the statement may not be finished elsewhere than on the client's backends, or null. */
    private static String refusal(Object json) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                String reason = refusal(item);
                if (reason != null) {
                    return reason;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            if (map.containsKey("lockingClause")) {
                return "SELECT … FOR UPDATE/SHARE locks rows on the shards that hold them";
            }
            if (map.containsKey("intoClause")) {
                return "SELECT … INTO creates a relation";
            }
            Node node = Node.of(json);
            if (node != null && (node.is("InsertStmt") || node.is("UpdateStmt") || node.is("DeleteStmt")
                    || node.is("MergeStmt"))) {
                return "a data-modifying WITH query writes on the shards";
            }
            for (Object value : map.values()) {
                String reason = refusal(value);
                if (reason != null) {
                    return reason;
                }
            }
        }
        return null;
    }

    private static void collectCteNames(Object json, Set<String> names) {
        if (json instanceof List<?> list) {
            list.forEach(item -> collectCteNames(item, names));
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("CommonTableExpr") && node.string("ctename") != null) {
                names.add(node.string("ctename"));
            }
            map.values().forEach(value -> collectCteNames(value, names));
        }
    }

    /** The relation references of a query level (its FROM) and of every query nested in it. */
    @SuppressWarnings("unchecked")
    private static void select(Node select, List<Site> sites) {
        for (Node item : select.nodes("fromClause")) {
            fromItem(item, select, true, sites);
        }
        select.fields().forEach((field, value) -> {
            if (field.equals("fromClause")) {
                return;
            }
            if ((field.equals("larg") || field.equals("rarg")) && value instanceof Map<?, ?> map) {
                select(new Node("SelectStmt", (Map<String, Object>) map), sites); // a set operation's arms
            } else {
                walk(value, sites);
            }
        });
    }

    /**
     * @param filterable the reference's rows may be filtered by its level's WHERE before the join:
     *     it is not on the null-extended side of an outer join (where {@code WHERE b.x IS NULL}
     *     keeps rows that a filter before the join would change)
     */
    private static void fromItem(Node item, Node select, boolean filterable, List<Site> sites) {
        if (item == null) {
            return;
        }
        switch (item.type()) {
            case "RangeVar" -> sites.add(new Site(item, select, filterable));
            case "JoinExpr" -> {
                String type = item.string("jointype") == null ? "JOIN_INNER" : item.string("jointype");
                fromItem(item.node("larg"), select, filterable && (type.equals("JOIN_INNER") || type.equals("JOIN_LEFT")), sites);
                fromItem(item.node("rarg"), select, filterable && (type.equals("JOIN_INNER") || type.equals("JOIN_RIGHT")), sites);
                walk(item.raw("quals"), sites);
            }
            default -> walk(item.fields(), sites);
        }
    }

    private static void walk(Object json, List<Site> sites) {
        if (json instanceof List<?> list) {
            list.forEach(item -> walk(item, sites));
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("SelectStmt")) {
                select(node, sites);
            } else if (node != null && node.is("RangeVar")) {
                sites.add(new Site(node, null, false));
            } else {
                map.values().forEach(value -> walk(value, sites));
            }
        }
    }

    /** The end of a relation name of {@code parts} dot-separated identifiers starting at {@code start}; -1 if not found. */
    private static int nameEnd(SourceText text, int start, int parts) {
        int i = start;
        for (int part = 0; part < parts; part++) {
            if (part > 0) {
                i = text.skipBlanks(i);
                if (text.at(i) != '.') {
                    return -1;
                }
                i = text.skipBlanks(i + 1);
            }
            if (i >= text.length()) {
                return -1;
            }
            i = text.tokenEnd(i);
        }
        return i;
    }

    /** The column references of a statement: which names it mentions, and which references it needs whole. */
    private static final class ColumnUse {
        final Set<String> names = new LinkedHashSet<>();
        final Set<String> wholeRows = new HashSet<>();
        /** Names written alone: a column, or the whole row of a relation so named. */
        final Set<String> singleNames = new HashSet<>();
        boolean everything;
        boolean schemaQualified;

        boolean needsAll(String refName) {
            return everything || wholeRows.contains(refName);
        }

        void collect(Object json) {
            if (json instanceof List<?> list) {
                list.forEach(this::collect);
            } else if (json instanceof Map<?, ?> map) {
                Node node = Node.of(json);
                if (node != null && node.is("ColumnRef")) {
                    columnRef(node);
                    return;
                }
                if (node != null && node.is("JoinExpr")) {
                    everything |= node.flag("isNatural");
                    List<String> using = node.names("usingClause");
                    if (using != null) {
                        names.addAll(using);
                    }
                }
                map.values().forEach(this::collect);
            }
        }

        private void columnRef(Node ref) {
            List<Node> fields = ref.positional("fields");
            if (fields.isEmpty()) {
                return;
            }
            Node last = fields.getLast();
            if (last != null && last.is("A_Star")) {
                if (fields.size() == 1) {
                    everything = true;
                } else if (fields.get(fields.size() - 2) != null && fields.get(fields.size() - 2).stringValue() != null) {
                    wholeRows.add(fields.get(fields.size() - 2).stringValue());
                    schemaQualified |= fields.size() > 2;
                }
                return;
            }
            String name = last == null ? null : last.stringValue();
            if (name == null) {
                everything = true;
                return;
            }
            names.add(name);
            if (fields.size() == 1) {
                singleNames.add(name); // `t1` alone is the whole row of t1 when no column is so named
            }
            schemaQualified |= fields.size() > 2;
        }
    }

    /** The conjuncts of a WHERE clause that read only the reference and can be written back as SQL. */
    private static List<Conjunct> conjuncts(Node where, String refName, Constants constants) {
        if (where == null) {
            return List.of();
        }
        List<Node> parts = where.is("BoolExpr") && "AND_EXPR".equals(boolop(where)) ? where.nodes("args") : List.of(where);
        List<Conjunct> pushed = new ArrayList<>();
        for (Node part : parts) {
            Deparse deparse = new Deparse(refName, constants);
            String sql = deparse.expression(part);
            if (sql != null) {
                pushed.add(new Conjunct(sql, deparse.unqualified));
            }
        }
        return pushed;
    }

    private static String boolop(Node node) {
        return node.string("boolop") == null ? "AND_EXPR" : node.string("boolop");
    }

    /**
     * Writes back the small set of expressions safe to evaluate on a shard before the statement
     * runs: columns of the reference, constants, operators, AND/OR/NOT, IS [NOT] NULL, IS TRUE …,
     * IN lists, BETWEEN, LIKE and casts to plain type names. Function calls (whose volatility the
     * router does not know), subqueries and parameters (COPY takes none) are not pushed: null.
     */
    private static final class Deparse {
        private final String refName;
        private final Constants constants;
        final Set<String> unqualified = new HashSet<>();

        Deparse(String refName, Constants constants) {
            this.refName = refName;
            this.constants = constants;
        }

        String expression(Node node) {
            if (node == null) {
                return null;
            }
            return switch (node.type()) {
                case "ColumnRef" -> column(node);
                case "A_Const" -> constant(node);
                case "TypeCast" -> {
                    String arg = expression(node.node("arg"));
                    String type = type(node.struct("typeName", "TypeName"));
                    yield arg == null || type == null ? null : "(" + arg + ")::" + type;
                }
                case "A_Expr" -> operator(node);
                case "BoolExpr" -> {
                    List<String> args = new ArrayList<>();
                    for (Node arg : node.nodes("args")) {
                        String sql = expression(arg);
                        if (sql == null) {
                            yield null;
                        }
                        args.add(sql);
                    }
                    yield switch (boolop(node)) {
                        case "AND_EXPR" -> "(" + String.join(" AND ", args) + ")";
                        case "OR_EXPR" -> "(" + String.join(" OR ", args) + ")";
                        case "NOT_EXPR" -> args.size() == 1 ? "(NOT " + args.getFirst() + ")" : null;
                        default -> null;
                    };
                }
                case "NullTest" -> {
                    String arg = expression(node.node("arg"));
                    String test = node.string("nulltesttype") == null ? "IS_NULL" : node.string("nulltesttype");
                    yield arg == null ? null : "(" + arg + (test.equals("IS_NULL") ? " IS NULL)" : " IS NOT NULL)");
                }
                case "BooleanTest" -> {
                    String arg = expression(node.node("arg"));
                    String test = node.string("booltesttype") == null ? "IS_TRUE" : node.string("booltesttype");
                    yield arg == null ? null : "(" + arg + " " + test.replace('_', ' ') + ")";
                }
                default -> null;
            };
        }

        private String column(Node ref) {
            List<String> names = ref.names("fields");
            if (names == null) {
                return null; // *
            }
            if (names.size() == 1) {
                unqualified.add(names.getFirst());
                return Identifiers.quoted(names.getFirst());
            }
            if (names.size() == 2 && names.getFirst().equals(refName)) {
                return Identifiers.quoted(names.getFirst()) + "." + Identifiers.quoted(names.get(1));
            }
            return null;
        }

        private String constant(Node node) {
            if (!(constants.valueOf(node) instanceof Value.Literal literal)) {
                return null;
            }
            return switch (literal.kind()) {
                case NULL -> "NULL";
                case INTEGER, FLOAT -> "(" + literal.text() + ")";
                case BOOLEAN -> literal.text();
                case STRING -> literal.text().indexOf('\\') >= 0
                        ? "E'" + literal.text().replace("\\", "\\\\").replace("'", "''") + "'"
                        : "'" + literal.text().replace("'", "''") + "'";
            };
        }

        private String operator(Node node) {
            String kind = node.string("kind") == null ? "AEXPR_OP" : node.string("kind");
            List<String> name = node.names("name");
            if (name == null || name.size() != 1) {
                return null; // OPERATOR(schema.op)
            }
            String left = expression(node.node("lexpr"));
            if (kind.equals("AEXPR_IN") || kind.startsWith("AEXPR_BETWEEN") || kind.startsWith("AEXPR_NOT_BETWEEN")) {
                List<String> items = new ArrayList<>();
                Node list = node.node("rexpr");
                for (Node item : list != null && list.is("List") ? list.nodes("items") : node.nodes("rexpr")) {
                    String sql = expression(item);
                    if (sql == null) {
                        return null;
                    }
                    items.add(sql);
                }
                if (left == null || items.isEmpty()) {
                    return null;
                }
                return switch (kind) {
                    case "AEXPR_IN" -> "(" + left + (name.getFirst().equals("<>") ? " NOT IN (" : " IN (")
                            + String.join(", ", items) + "))";
                    case "AEXPR_BETWEEN" -> items.size() == 2 ? "(" + left + " BETWEEN " + items.get(0) + " AND " + items.get(1) + ")" : null;
                    case "AEXPR_NOT_BETWEEN" -> items.size() == 2
                            ? "(" + left + " NOT BETWEEN " + items.get(0) + " AND " + items.get(1) + ")" : null;
                    default -> null;
                };
            }
            String right = expression(node.node("rexpr"));
            if (right == null) {
                return null;
            }
            return switch (kind) {
                case "AEXPR_OP", "AEXPR_LIKE", "AEXPR_ILIKE" -> node.has("lexpr")
                        ? (left == null ? null : "(" + left + " " + name.getFirst() + " " + right + ")")
                        : "(" + name.getFirst() + " " + right + ")";
                case "AEXPR_DISTINCT" -> left == null ? null : "(" + left + " IS DISTINCT FROM " + right + ")";
                case "AEXPR_NOT_DISTINCT" -> left == null ? null : "(" + left + " IS NOT DISTINCT FROM " + right + ")";
                default -> null;
            };
        }

        /** A type name without modifiers ({@code numeric(10,2)} is not written back): null otherwise. */
        private static String type(Node typeName) {
            if (typeName == null || typeName.has("typmods") || typeName.flag("setof") || typeName.flag("pct_type")) {
                return null;
            }
            List<String> names = typeName.names("names");
            if (names == null || names.isEmpty()) {
                return null;
            }
            StringBuilder sql = new StringBuilder();
            for (String part : names) {
                sql.append(sql.isEmpty() ? "" : ".").append(Identifiers.quoted(part));
            }
            sql.append("[]".repeat(typeName.nodes("arrayBounds").size() + (typeName.has("arrayBounds")
                    && typeName.nodes("arrayBounds").isEmpty() ? 1 : 0)));
            return sql.toString();
        }
    }
}
