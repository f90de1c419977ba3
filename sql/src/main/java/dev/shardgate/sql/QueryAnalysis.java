package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks the SELECT, INSERT, UPDATE and DELETE parts of one statement (with their CTEs, FROM
 * subqueries and sublinks) and collects the tables used, the key values each use is restricted to
 * and the rows inserted.
 */
final class QueryAnalysis {
    private final Constants constants;
    private final List<TableUse> uses = new ArrayList<>();
    private final List<InsertRow> rows = new ArrayList<>();
    private final List<Write> writes = new ArrayList<>();

    QueryAnalysis(Constants constants) {
        this.constants = constants;
    }

    /**
     * What a query level sees of its surroundings.
     *
     * @param columns the scope whose columns a correlated reference can reach, or null at top level
     * @param ctes the CTE names in force
     */
    record Context(Scope columns, CteNames ctes) {
        static final Context TOP = new Context(null, CteNames.NONE);

        Context within(Scope scope) {
            return new Context(scope, ctes);
        }
    }

    /** CTE names visible at a point; a persistent list because WITH clauses nest. */
    record CteNames(String name, CteNames next) {
        static final CteNames NONE = new CteNames(null, null);

        CteNames plus(String cteName) {
            return new CteNames(cteName, this);
        }

        boolean contains(String relationName) {
            for (CteNames names = this; names != null && names.name != null; names = names.next) {
                if (names.name.equals(relationName)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Walks a SelectStmt, InsertStmt, UpdateStmt or DeleteStmt; other nodes are passed over. */
    void statement(Node statement, Context context) {
        if (statement == null) {
            return;
        }
        switch (statement.type()) {
            case "SelectStmt" -> select(statement, context);
            case "InsertStmt" -> insert(statement, context);
            case "UpdateStmt" -> update(statement, context);
            case "DeleteStmt" -> delete(statement, context);
            default -> expressions(statement.fields(), context);
        }
    }

    /** Records a table the statement names outside any query (DDL targets, COPY, LOCK). */
    void table(TableRef ref) {
        uses.add(new TableUse(ref));
    }

    List<TableRef> tables() {
        Set<TableRef> tables = new LinkedHashSet<>();
        for (TableUse use : uses) {
            tables.add(use.ref);
        }
        return List.copyOf(tables);
    }

    /** Per table: the columns every use of it is restricted on, with the values of all uses. */
    List<KeyFilter> filters() {
        Map<TableRef, List<TableUse>> byTable = new LinkedHashMap<>();
        for (TableUse use : uses) {
            byTable.computeIfAbsent(use.ref, ref -> new ArrayList<>()).add(use);
        }
        List<KeyFilter> filters = new ArrayList<>();
        byTable.forEach((table, tableUses) -> {
            // Ranges are kept for a table used once: the union of several uses' conditions is not one of them.
            Map<String, List<List<KeyInterval>>> ranges = tableUses.size() == 1 ? tableUses.getFirst().ranges : Map.of();
            Set<String> columns = new LinkedHashSet<>(tableUses.getFirst().restrictions.keySet());
            columns.addAll(ranges.keySet());
            for (String column : columns) {
                Set<Value> values = new LinkedHashSet<>();
                for (TableUse use : tableUses) {
                    List<Value> restriction = use.restrictions.get(column);
                    if (restriction == null) {
                        values = null;
                        break;
                    }
                    values.addAll(restriction);
                }
                List<List<KeyInterval>> columnRanges = ranges.getOrDefault(column, List.of());
                if (values != null || !columnRanges.isEmpty()) {
                    filters.add(new KeyFilter(table, column, values == null ? null : List.copyOf(values), columnRanges));
                }
            }
        });
        return filters;
    }

    List<InsertRow> rows() {
        return List.copyOf(rows);
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }

    /**
     * Records what a MERGE writes; its tables are collected as DDL's are (it is not routed by key).
     * {@code WHEN NOT MATCHED THEN INSERT} adds rows whose values come from the source rows.
     */
    void merge(Node merge) {
        Node target = merge.struct("relation", "RangeVar");
        if (target == null || target.string("relname") == null) {
            return;
        }
        List<String> assigned = new ArrayList<>();
        boolean inserts = false;
        for (Node clause : merge.nodes("mergeWhenClauses")) {
            String command = clause.string("commandType");
            if ("CMD_UPDATE".equals(command)) {
                assigned.addAll(targetNames(clause.nodes("targetList")));
            } else if ("CMD_INSERT".equals(command)) {
                inserts = true;
            }
        }
        writes.add(new Write(tableRef(target), Write.Kind.MERGE, distinct(assigned), inserts ? "MERGE … INSERT" : null));
    }

    /** The columns a SET list or INSERT column list names ({@code SET (a, b) = …} gives one target per column). */
    private static List<String> targetNames(List<Node> targets) {
        List<String> names = new ArrayList<>(targets.size());
        for (Node target : targets) {
            String name = target.string("name");
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> distinct(List<String> names) {
        return List.copyOf(new LinkedHashSet<>(names));
    }

    private void select(Node select, Context outer) {
        Context context = with(select.struct("withClause", "WithClause"), outer);
        String setOperation = select.string("op");
        if (setOperation != null && !"SETOP_NONE".equals(setOperation)) {
            statement(select.struct("larg", "SelectStmt"), context);
            statement(select.struct("rarg", "SelectStmt"), context);
            expressions(select.raw("sortClause"), context);
            expressions(select.raw("limitOffset"), context);
            expressions(select.raw("limitCount"), context);
            return;
        }
        if (select.has("valuesLists")) {
            expressions(select.raw("valuesLists"), context);
            return;
        }
        Scope scope = new Scope(context.columns());
        Conjunction conjunction = new Conjunction(scope, constants);
        for (Node item : select.nodes("fromClause")) {
            fromItem(item, scope, context, true, conjunction);
        }
        conjunction.add(select.node("whereClause"));
        Context inside = context.within(scope);
        for (String field : List.of("targetList", "whereClause", "groupClause", "havingClause", "windowClause",
                "sortClause", "distinctClause", "limitOffset", "limitCount")) {
            expressions(select.raw(field), inside);
        }
        conjunction.restrictTables();
    }

    private void insert(Node insert, Context outer) {
        TableUse target = use(insert.struct("relation", "RangeVar"));
        Context context = with(insert.struct("withClause", "WithClause"), outer);
        List<String> columns = insertColumns(insert.nodes("cols"));
        Node source = insert.node("selectStmt");
        // null while every row the INSERT adds is recorded in rows
        String unknownRows = source == null ? "INSERT … DEFAULT VALUES" : null;
        if (source != null && source.is("SelectStmt") && source.has("valuesLists")
                && !source.has("withClause") && !source.has("fromClause")) {
            for (Node row : source.nodes("valuesLists")) {
                List<Node> values = row.positional("items");
                expressions(row.fields(), context);
                if (!columns.isEmpty() && target != null) {
                    rows.add(new InsertRow(target.ref, constantColumns(columns, values)));
                } else if (target != null && MultiShardAnalysis.tables(insert.fields()).size() == 1) {
                    // the target is the only relation named: no other use of it that the rows would restrict
                    List<Value> positions = new ArrayList<>(values.size());
                    for (Node value : values) {
                        positions.add(constants.valueOf(value));
                    }
                    rows.add(new InsertRow(target.ref, Map.of(), positions));
                }
            }
            if (columns.isEmpty()) {
                // until the router names the positions from the catalog (PositionalInsert)
                unknownRows = PositionalInsert.FORM;
            }
        } else if (source != null) {
            statement(source, context);
            unknownRows = columns.isEmpty() ? "INSERT without a column list" : "INSERT … SELECT";
            if (!columns.isEmpty() && target != null && source.is("SelectStmt") && isPlainSelect(source)) {
                Map<String, Value> constant = constantColumns(columns, selectedValues(source));
                Map<String, Value> selected = new LinkedHashMap<>();
                List<Node> values = selectedValues(source);
                for (int i = 0; i < Math.min(columns.size(), values.size()); i++) {
                    Value value = constant.containsKey(columns.get(i)) ? constant.get(columns.get(i))
                            : pinnedByDelete(insert.struct("withClause", "WithClause"), source, values.get(i));
                    if (columns.get(i) != null && value != null) {
                        selected.put(columns.get(i), value);
                    }
                }
                if (!selected.isEmpty()) {
                    // every row the SELECT yields has these constants in these columns
                    rows.add(new InsertRow(target.ref, selected));
                    unknownRows = null;
                }
            }
        }
        if (target != null && unknownRows == null) {
            restrictToRows(target);
        }
        Node onConflict = insert.struct("onConflictClause", "OnConflictClause");
        List<String> assigned = onConflict != null && "ONCONFLICT_UPDATE".equals(onConflict.string("action"))
                ? targetNames(onConflict.nodes("targetList")) : List.of();
        if (target != null) {
            writes.add(new Write(target.ref, Write.Kind.INSERT, distinct(assigned), unknownRows));
        }
        Scope scope = new Scope(context.columns());
        if (target != null) {
            scope.add(item(target));
        }
        scope.add(new Scope.Item("excluded", null, null));
        Context inside = context.within(scope);
        expressions(insert.raw("onConflictClause"), inside);
        expressions(insert.raw("returningList"), inside);
    }

    private void update(Node update, Context outer) {
        TableUse target = modification(update, outer, "fromClause", List.of("targetList", "whereClause", "returningList"));
        if (target != null) {
            writes.add(new Write(target.ref, Write.Kind.UPDATE, distinct(targetNames(update.nodes("targetList"))), null,
                    assignments(update.nodes("targetList"))));
        }
    }

    /** The SET items whose new value is known without the row: a constant, {@code $n}, or the column ± an integer. */
    private Map<String, Assignment> assignments(List<Node> targets) {
        Map<String, Assignment> known = new java.util.HashMap<>();
        for (Node target : targets) {
            String name = target.string("name");
            if (name == null || target.has("indirection")) {
                continue; // SET (a, b) = …, SET arr[1] = …
            }
            Node value = target.node("val");
            Value constant = constants.valueOf(value);
            if (constant != null) {
                known.put(name, new Assignment.Given(constant));
            } else if (value != null && value.is("A_Expr") && "AEXPR_OP".equals(value.string("kind"))) {
                List<String> operator = value.names("name");
                Node column = value.node("lexpr");
                List<String> fields = column != null && column.is("ColumnRef") ? column.names("fields") : null;
                if (operator != null && operator.size() == 1 && (operator.getFirst().equals("+") || operator.getFirst().equals("-"))
                        && fields != null && fields.size() == 1 && fields.getFirst().equals(name)) {
                    Value step = constants.valueOf(value.node("rexpr"));
                    if (step != null) {
                        known.put(name, new Assignment.Shifted(step, operator.getFirst().equals("-")));
                    }
                }
            }
        }
        return known;
    }

    private void delete(Node delete, Context outer) {
        TableUse target = modification(delete, outer, "usingClause", List.of("whereClause", "returningList"));
        if (target != null) {
            writes.add(new Write(target.ref, Write.Kind.DELETE, List.of(), null));
        }
    }

    /** UPDATE … FROM and DELETE … USING: the target and the other tables form one query level. */
    private TableUse modification(Node statement, Context outer, String fromField, List<String> expressionFields) {
        TableUse target = use(statement.struct("relation", "RangeVar"));
        Context context = with(statement.struct("withClause", "WithClause"), outer);
        Scope scope = new Scope(context.columns());
        if (target != null) {
            scope.add(item(target));
        }
        Conjunction conjunction = new Conjunction(scope, constants);
        for (Node item : statement.nodes(fromField)) {
            fromItem(item, scope, context, true, conjunction);
        }
        conjunction.add(statement.node("whereClause"));
        Context inside = context.within(scope);
        for (String field : expressionFields) {
            expressions(statement.raw(field), inside);
        }
        conjunction.restrictTables();
        return target;
    }

    /**
     * One FROM item. {@code restricting} is false on the null-extended side of an outer join, whose
     * ON conditions restrict nothing of the result and are therefore not AND-ed in.
     */
    private void fromItem(Node item, Scope scope, Context context, boolean restricting, Conjunction conjunction) {
        switch (item.type()) {
            case "RangeVar" -> rangeVar(item, scope, context);
            case "JoinExpr" -> join(item, scope, context, restricting, conjunction);
            case "RangeSubselect" -> {
                Context subqueryContext = item.flag("lateral") ? context.within(scope) : context;
                statement(item.node("subquery"), subqueryContext);
                scope.add(new Scope.Item(aliasName(item), null, null));
            }
            case "RangeTableSample" -> {
                Node relation = item.node("relation");
                if (relation != null) {
                    fromItem(relation, scope, context, restricting, conjunction);
                }
                expressions(item.raw("args"), context.within(scope));
                expressions(item.raw("repeatable"), context.within(scope));
            }
            default -> {
                // Functions, XMLTABLE and the like: columns but no table; arguments may hold sublinks.
                expressions(item.fields(), context.within(scope));
                scope.add(new Scope.Item(aliasName(item), null, null));
            }
        }
    }

    private void join(Node join, Scope scope, Context context, boolean restricting, Conjunction conjunction) {
        String type = join.string("jointype");
        boolean inner = type == null || "JOIN_INNER".equals(type);
        int start = scope.size();
        Node left = join.node("larg");
        if (left != null) {
            fromItem(left, scope, context, restricting && (inner || "JOIN_LEFT".equals(type)), conjunction);
        }
        int middle = scope.size();
        Node right = join.node("rarg");
        if (right != null) {
            fromItem(right, scope, context, restricting && (inner || "JOIN_RIGHT".equals(type)), conjunction);
        }
        int end = scope.size();
        if (inner && restricting) {
            conjunction.add(join.node("quals"));
            List<String> using = join.names("usingClause");
            if (using != null) {
                for (String column : using) {
                    // The merged column, referred to unqualified, equals the column of each side.
                    Scope.Column merged = new Scope.Column(null, column);
                    if (middle - start == 1) {
                        conjunction.equal(merged, new Scope.Column(scope.items(start, middle).getFirst(), column));
                    }
                    if (end - middle == 1) {
                        conjunction.equal(merged, new Scope.Column(scope.items(middle, end).getFirst(), column));
                    }
                }
            }
        }
        expressions(join.raw("quals"), context.within(scope));
        if (join.has("alias")) {
            scope.add(new Scope.Item(aliasName(join), null, null));
        }
    }

    private void rangeVar(Node rangeVar, Scope scope, Context context) {
        String schema = rangeVar.string("schemaname");
        String name = rangeVar.string("relname");
        if (name == null) {
            return;
        }
        if (schema == null && context.ctes().contains(name)) {
            String alias = aliasName(rangeVar);
            scope.add(new Scope.Item(alias != null ? alias : name, null, null));
            return;
        }
        scope.add(item(use(rangeVar)));
    }

    private TableUse use(Node rangeVar) {
        if (rangeVar == null || rangeVar.string("relname") == null) {
            return null;
        }
        TableUse use = new TableUse(tableRef(rangeVar));
        uses.add(use);
        return use;
    }

    static TableRef tableRef(Node rangeVar) {
        return new TableRef(rangeVar.string("schemaname"), rangeVar.string("relname"), aliasName(rangeVar));
    }

    private static Scope.Item item(TableUse use) {
        TableRef ref = use.ref;
        return ref.alias() != null ? new Scope.Item(ref.alias(), null, use) : new Scope.Item(ref.name(), ref.schema(), use);
    }

    private static String aliasName(Node node) {
        Node alias = node.struct("alias", "Alias");
        return alias == null ? null : alias.string("aliasname");
    }

    /** WITH: each CTE body sees the CTEs before it (all of them when RECURSIVE) and the outer columns. */
    private Context with(Node withClause, Context outer) {
        if (withClause == null) {
            return outer;
        }
        List<Node> ctes = withClause.nodes("ctes");
        CteNames names = outer.ctes();
        if (withClause.flag("recursive")) {
            for (Node cte : ctes) {
                names = names.plus(cte.string("ctename"));
            }
            for (Node cte : ctes) {
                statement(cte.node("ctequery"), new Context(outer.columns(), names));
            }
            return new Context(outer.columns(), names);
        }
        for (Node cte : ctes) {
            statement(cte.node("ctequery"), new Context(outer.columns(), names));
            names = names.plus(cte.string("ctename"));
        }
        return new Context(outer.columns(), names);
    }

    /**
     * The rows an INSERT writes are all it touches of its target (ON CONFLICT DO UPDATE touches the
     * row with the same key): each column every row gives a value restricts the target to those
     * values. Another use of the same table in the statement (INSERT … SELECT … FROM t) is then
     * filtered only when it is restricted too.
     */
    private void restrictToRows(TableUse target) {
        List<InsertRow> ofTarget = rows.stream().filter(row -> row.table().equals(target.ref)).toList();
        if (ofTarget.isEmpty()) {
            return;
        }
        InsertRow.valuesGivenByEveryRow(ofTarget).forEach(target::restrict);
    }

    /** The insert column list; a null entry stands for a column with indirection ({@code a[1]}, {@code a.b}). */
    private static List<String> insertColumns(List<Node> targets) {
        List<String> columns = new ArrayList<>(targets.size());
        for (Node target : targets) {
            columns.add(target.has("indirection") ? null : target.string("name"));
        }
        return columns;
    }

    private Map<String, Value> constantColumns(List<String> columns, List<Node> values) {
        Map<String, Value> byColumn = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(columns.size(), values.size()); i++) {
            Value value = constants.valueOf(values.get(i));
            if (columns.get(i) != null && value != null) {
                byColumn.put(columns.get(i), value);
            }
        }
        return byColumn;
    }

    /**
     * The value every row of {@code select} gives a select-list item that is a column of its one FROM
     * item, a WITH query {@code d AS (DELETE FROM r WHERE k = v … RETURNING k …)} of the INSERT: the
     * rows DELETE returns satisfy its WHERE, so their {@code k} is {@code v} (an integer or string
     * constant, or a parameter, as a key in a WHERE clause routes). Null otherwise.
     */
    private Value pinnedByDelete(Node withClause, Node select, Node item) {
        if (withClause == null || withClause.flag("recursive") || item == null || !item.is("ColumnRef")
                || select.has("withClause")) {
            return null;
        }
        List<Node> from = select.nodes("fromClause");
        if (from.size() != 1 || !from.getFirst().is("RangeVar") || from.getFirst().has("schemaname")) {
            return null;
        }
        Node rangeVar = from.getFirst();
        String cteName = rangeVar.string("relname");
        Node alias = rangeVar.struct("alias", "Alias");
        String column = columnOf(item.names("fields"), alias != null ? alias.string("aliasname") : cteName);
        if (column == null || (alias != null && alias.has("colnames"))) {
            return null;
        }
        Node delete = null;
        for (Node cte : withClause.nodes("ctes")) {
            if (cteName.equals(cte.string("ctename"))) {
                delete = cte.has("aliascolnames") ? null : cte.node("ctequery");
            }
        }
        if (delete == null || !delete.is("DeleteStmt") || delete.has("usingClause") || delete.has("withClause")) {
            return null;
        }
        Node target = delete.struct("relation", "RangeVar");
        Node targetAlias = target == null ? null : target.struct("alias", "Alias");
        String targetName = target == null ? null : targetAlias != null ? targetAlias.string("aliasname") : target.string("relname");
        String returned = null;
        for (Node result : delete.positional("returningList")) {
            Node value = result == null ? null : result.node("val");
            String name = value != null && value.is("ColumnRef") ? columnOf(value.names("fields"), targetName) : null;
            String output = result == null ? null : result.string("name") != null ? result.string("name") : name;
            if (column.equals(output)) {
                if (returned != null || name == null) {
                    return null;
                }
                returned = name;
            }
        }
        if (returned == null) {
            return null;
        }
        Node where = delete.node("whereClause");
        List<Node> conjuncts = where == null ? List.of() : where.is("BoolExpr")
                && (where.string("boolop") == null || "AND_EXPR".equals(where.string("boolop")))
                ? where.nodes("args") : List.of(where);
        for (Node conjunct : conjuncts) {
            if (!conjunct.is("A_Expr") || !(conjunct.string("kind") == null || "AEXPR_OP".equals(conjunct.string("kind")))
                    || !List.of("=").equals(conjunct.names("name"))) {
                continue;
            }
            for (Node[] sides : new Node[][] {{conjunct.node("lexpr"), conjunct.node("rexpr")},
                    {conjunct.node("rexpr"), conjunct.node("lexpr")}}) {
                if (sides[0] != null && sides[0].is("ColumnRef")
                        && returned.equals(columnOf(sides[0].names("fields"), targetName))) {
                    Value value = constants.valueOf(sides[1]);
                    if (value instanceof Value.Param || (value instanceof Value.Literal literal
                            && (literal.kind() == LiteralKind.INTEGER || literal.kind() == LiteralKind.STRING))) {
                        return value;
                    }
                }
            }
        }
        return null;
    }

    /** The column a reference names: {@code c}, or {@code q.c} where {@code q} is {@code qualifier}; null otherwise. */
    private static String columnOf(List<String> names, String qualifier) {
        if (names == null) {
            return null;
        }
        if (names.size() == 1) {
            return names.getFirst();
        }
        return names.size() == 2 && names.getFirst().equals(qualifier) ? names.get(1) : null;
    }

    private static boolean isPlainSelect(Node select) {
        String setOperation = select.string("op");
        return (setOperation == null || "SETOP_NONE".equals(setOperation)) && !select.has("valuesLists");
    }

    /** The expressions of a SELECT list, or an empty list if it holds {@code *}. */
    private static List<Node> selectedValues(Node select) {
        List<Node> values = new ArrayList<>();
        for (Node target : select.positional("targetList")) {
            Node value = target == null ? null : target.node("val");
            if (value != null && value.is("ColumnRef") && value.names("fields") == null) {
                return List.of();
            }
            values.add(value);
        }
        return values;
    }

    /** Finds the sublinks in an expression tree and walks their queries as inner levels. */
    private void expressions(Object json, Context context) {
        if (json instanceof List<?> list) {
            for (Object element : list) {
                expressions(element, context);
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("SubLink")) {
                expressions(node.raw("testexpr"), context);
                statement(node.node("subselect"), context);
                return;
            }
            if (node != null && isStatement(node)) {
                statement(node, context);
                return;
            }
            for (Object value : map.values()) {
                expressions(value, context);
            }
        }
    }

    private static boolean isStatement(Node node) {
        return switch (node.type()) {
            case "SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt" -> true;
            default -> false;
        };
    }
}
