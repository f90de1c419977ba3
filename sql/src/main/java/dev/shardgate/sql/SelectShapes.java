package dev.shardgate.sql;

import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.Aggregation;
import dev.shardgate.sql.MultiShardShape.Collated;
import dev.shardgate.sql.MultiShardShape.Collations;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import dev.shardgate.sql.MultiShardShape.Unsupported;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The {@link MultiShardShape.Select} of a top-level SELECT, or why it has none. */
final class SelectShapes {
    private final Node select;
    private final SourceText text;
    private final List<Node> targets = new ArrayList<>();
    private final List<String> targetNames = new ArrayList<>();
    private final List<SourceText.Edit> edits = new ArrayList<>();
    /** The expression of each sort key, in the order of the sort keys. */
    private final List<Collated> sortCollations = new ArrayList<>();
    /** The argument of each min or max, by output column. */
    private final Map<Integer, Collated> extremes = new HashMap<>();
    /** The expression of each output column the merge groups on, by output column. */
    private final Map<Integer, Collated> groupKeys = new HashMap<>();
    private boolean hasStar;
    /** How many of {@link #targets} the select list has; those after them are hidden columns. */
    private final int visibleCount;
    /** The text each hidden column is sent to the shards as, in the order of the hidden targets. */
    private final List<String> hiddenTexts = new ArrayList<>();
    /** The shards' rows are final (see CoLocation.Verdict.Pushdown#rowsComplete): no merge step but ORDER BY and LIMIT. */
    private final boolean rowsComplete;
    private final String pushdown;

    private SelectShapes(Node select, SourceText text, boolean rowsComplete, String pushdown) {
        this.select = select;
        this.text = text;
        this.rowsComplete = rowsComplete;
        this.pushdown = pushdown;
        for (Node target : select.nodes("targetList")) {
            Node value = target.node("val");
            targets.add(value);
            targetNames.add(target.string("name"));
            hasStar |= isStar(value);
        }
        visibleCount = targets.size();
    }

    /** Why the merger cannot do it; thrown inside the analysis only. */
    private static final class Refused extends RuntimeException {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    static MultiShardShape of(Node select, SourceText text) {
        return of(select, text, false, null);
    }

    /**
     * The shape of a SELECT each shard answers alone ({@code pushdown} says why); with
     * {@code rowsComplete}, HAVING, windows, DISTINCT ON and every aggregate run on the shards as written.
     */
    static MultiShardShape of(Node select, SourceText text, boolean rowsComplete, String pushdown) {
        try {
            return new SelectShapes(select, text, rowsComplete, pushdown).shape();
        } catch (Refused refused) {
            return new Unsupported(refused.getMessage());
        }
    }

    private MultiShardShape shape() {
        String unknownFunction = KnownFunctions.refusal(select.fields());
        if (unknownFunction != null) {
            throw new Refused(unknownFunction);
        }
        String outerAggregate = OuterAggregates.refusal(select);
        if (outerAggregate != null) {
            throw new Refused(outerAggregate);
        }
        refuseWhat(select.has("intoClause"), "SELECT INTO");
        String op = select.string("op");
        refuseWhat(op != null && !"SETOP_NONE".equals(op), "UNION, INTERSECT and EXCEPT");
        refuseWhat(select.has("valuesLists"), "VALUES");
        refuseWhat(!rowsComplete && (select.has("windowClause") || MultiShardAnalysis.containsWindowFunction(select.fields())),
                "window functions");
        refuseWhat(!rowsComplete && select.has("havingClause"), "HAVING");
        refuseWhat(select.nodes("groupClause").stream().anyMatch(item -> item.is("GroupingSet")),
                "GROUPING SETS, ROLLUP and CUBE");
        refuseWhat("LIMIT_OPTION_WITH_TIES".equals(select.string("limitOption")), "FETCH … WITH TIES");
        List<Node> distinctOn = select.positional("distinctClause");
        boolean distinct = select.has("distinctClause");
        refuseWhat(!rowsComplete && distinct && !(distinctOn.size() == 1 && distinctOn.getFirst() == null), "DISTINCT ON");
        boolean plainDistinct = distinct && distinctOn.size() == 1 && distinctOn.getFirst() == null;
        if (rowsComplete) {
            distinct = false; // equal rows hold the same key, so they come from one shard, which made them distinct
        }
        List<Node> groupBy = select.nodes("groupClause");
        if (hasPositionOutsideSelectList()) {
            // PostgreSQL's own error (42P10), which every shard answers for the statement as written
            return new MultiShardShape.Select(text.slice(0, text.length()), null, List.of(), -1, 0, false,
                    MultiShardAnalysis.tables(select.fields()), rowSources(), Collations.UNKNOWN, 0, 0, 0, pushdown);
        }
        addHiddenColumns(groupBy, plainDistinct || (distinct && !rowsComplete));
        // rows final on the shards are not re-aggregated, whatever the hidden items hold
        boolean aggregated = !rowsComplete && (!groupBy.isEmpty() || MultiShardAnalysis.containsAggregate(select.raw("targetList"))
                || targets.stream().skip(visibleCount).anyMatch(SelectShapes::hasAggregate));

        Aggregation aggregation = aggregated ? aggregation(groupBy) : null;
        List<SortKey> sortKeys = sortKeys();
        if (aggregation != null) {
            renumberPositions(aggregation);
        }
        Node limitNode = select.node("limitCount");
        Node offsetNode = select.node("limitOffset");
        int limitParameter = parameterOf(limitNode);
        int offsetParameter = parameterOf(offsetNode);
        long limit = limitParameter > 0 ? -1 : limitValue(limitNode, -1);
        long offset = offsetParameter > 0 ? 0 : limitValue(offsetNode, 0);
        if (offsetNode != null && (offset > 0 || offsetParameter > 0)) {
            edits.add(constantEdit(offsetNode, "0"));
        }
        if (limitParameter > 0 || offsetParameter > 0) {
            // known only once bound: the shards return every row, the merge cuts them
            if (limitNode != null && (limit >= 0 || limitParameter > 0)) {
                edits.add(constantEdit(limitNode, Long.toString(Long.MAX_VALUE)));
            }
        } else if (limit >= 0) {
            // grouped rows are only complete after merging: shards must not cut them short
            long pushed = aggregated ? Long.MAX_VALUE : saturatedSum(limit, offset);
            edits.add(constantEdit(limitNode, Long.toString(pushed)));
        }
        if (distinct && !hasStar) {
            for (int i = 0; i < targets.size(); i++) {
                groupKeys.putIfAbsent(i, CollationInputs.of(targets.get(i), null));
            }
        }
        if (!hiddenTexts.isEmpty()) {
            int end = ClauseItems.selectListEnd(text, (int) select.nodes("targetList").getLast().number("location"));
            edits.add(new SourceText.Edit(end, end, ", " + String.join(", ", hiddenTexts)));
        }
        Collations collations = new Collations(sortCollations, extremes, CollationInputs.fromScope(select), groupKeys);
        return new MultiShardShape.Select(text.edited(edits), aggregation, sortKeys, limit, offset, distinct,
                MultiShardAnalysis.tables(select.fields()), rowSources(), collations, limitParameter, offsetParameter,
                targets.size() - visibleCount, pushdown);
    }

    /**
     * GROUP BY and ORDER BY items that name no select-list entry become hidden columns: appended to
     * the select list the shards run (a target entry PostgreSQL computes anyway, as a resjunk one),
     * merged on like the others and cut from what the client sees. Under DISTINCT an extra column
     * would change which rows are distinct, and PostgreSQL requires the ORDER BY items in the select
     * list anyway (42P10): such items stay refused, as do those under {@code *}.
     */
    private void addHiddenColumns(List<Node> groupBy, boolean distinct) {
        if (hasStar) {
            return;
        }
        List<ClauseItems.Span> groupSpans = null;
        // groups complete on the shards need no grouping by the merge
        for (int g = 0; g < (rowsComplete ? 0 : groupBy.size()); g++) {
            Node item = groupBy.get(g);
            if (groupTarget(item) >= 0) {
                continue;
            }
            if (item.is("ColumnRef") && item.names("fields") != null && item.names("fields").size() == 1
                    && mayBeOutputName(lastName(item))) {
                // GROUP BY takes a bare name as an input column first, then as an output column
                // (parse_clause.c, findTargetlistEntrySQL92): which one the router cannot tell
                throw new Refused("GROUP BY \"" + lastName(item) + "\" may name a select-list column by its output name;"
                        + " in a multi-shard query, group by the expression or its position");
            }
            if (groupSpans == null) {
                groupSpans = ClauseItems.groupBy(text);
                if (groupSpans == null || groupSpans.size() != groupBy.size()) {
                    throw new Refused("the GROUP BY items of the query could not be told apart");
                }
            }
            addHidden(item, text.slice(groupSpans.get(g).start(), groupSpans.get(g).end()));
        }
        List<Node> sortClause = select.nodes("sortClause");
        List<ClauseItems.Span> sortSpans = null;
        for (int s = 0; s < sortClause.size(); s++) {
            Node sortBy = sortClause.get(s);
            if ("SORTBY_USING".equals(sortBy.string("sortby_dir"))) {
                return; // refused by sortKeys()
            }
            Node item = sortBy.node("node");
            if (item != null && item.is("CollateClause") && CollationInputs.collationName(item) != null) {
                item = item.node("arg");
            }
            if (item == null || sortTarget(item) >= 0 || distinct) {
                continue;
            }
            if (sortSpans == null) {
                sortSpans = ClauseItems.orderBy(text);
                if (sortSpans == null || sortSpans.size() != sortClause.size()) {
                    throw new Refused("the ORDER BY items of the query could not be told apart");
                }
            }
            // the whole item, COLLATE included: the shards sort by it as written
            addHidden(item, text.slice(sortSpans.get(s).start(), sortSpans.get(s).end()));
        }
    }

    private void addHidden(Node value, String itemText) {
        String sent = itemText;
        if (!rowsComplete && MultiShardAnalysis.isAggregateCall(value) && "avg".equals(MultiShardAnalysis.functionName(value))) {
            int open = itemText.indexOf('(');
            if (open < 0 || !itemText.endsWith(")")) {
                throw new Refused("the arguments of avg could not be read");
            }
            String arguments = itemText.substring(open);
            sent = "sum" + arguments + ", count" + arguments + ", " + itemText;
        }
        targets.add(value);
        targetNames.add(null);
        hiddenTexts.add(sent);
    }

    /** The name may be a visible select-list entry's output name, or one the router cannot tell. */
    private boolean mayBeOutputName(String name) {
        for (int i = 0; i < visibleCount; i++) {
            String output = OutputNames.of(targetNames.get(i), targets.get(i));
            if (output == null || output.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasAggregate(Node value) {
        return value != null && (MultiShardAnalysis.isAggregateCall(value)
                || MultiShardAnalysis.containsAggregate(java.util.Map.of(value.type(), value.fields())));
    }

    private static void refuseWhat(boolean condition, String what) {
        if (condition) {
            throw new Refused(what + " cannot be merged from several shards");
        }
    }

    private Aggregation aggregation(List<Node> groupBy) {
        List<OutputColumn> columns = new ArrayList<>();
        int shardColumn = 0;
        for (int i = 0; i < targets.size(); i++) {
            Node value = targets.get(i);
            if (isStar(value)) {
                throw new Refused("SELECT * with aggregates or GROUP BY cannot be merged from several shards");
            }
            if (MultiShardAnalysis.isAggregateCall(value)) {
                String name = MultiShardAnalysis.functionName(value);
                if (value.flag("agg_distinct") || value.has("agg_filter") || value.has("agg_order")
                        || value.flag("agg_within_group")) {
                    throw new Refused("aggregate " + name + " with DISTINCT, FILTER or ORDER BY cannot be merged from several shards");
                }
                if (name.equals("min") || name.equals("max")) {
                    List<Node> arguments = value.nodes("args");
                    extremes.put(i, arguments.size() == 1 ? CollationInputs.of(arguments.getFirst(), null) : Collated.UNKNOWN);
                }
                switch (name) {
                    case "count" -> columns.add(new OutputColumn.Aggregate(AggregateKind.COUNT, shardColumn++));
                    case "sum" -> columns.add(new OutputColumn.Aggregate(AggregateKind.SUM, shardColumn++));
                    // false sorts before true: bool_and is the least of the shards' answers, bool_or the greatest
                    case "bool_and", "every" -> columns.add(new OutputColumn.Aggregate(AggregateKind.MIN, shardColumn++));
                    case "bool_or" -> columns.add(new OutputColumn.Aggregate(AggregateKind.MAX, shardColumn++));
                    case "min" -> columns.add(new OutputColumn.Aggregate(AggregateKind.MIN, shardColumn++));
                    case "max" -> columns.add(new OutputColumn.Aggregate(AggregateKind.MAX, shardColumn++));
                    case "avg" -> {
                        if (i < visibleCount) {
                            edits.add(averageAsSumCountAndAverage(value)); // a hidden avg is sent expanded
                        }
                        columns.add(new OutputColumn.Average(shardColumn, shardColumn + 1, shardColumn + 2));
                        shardColumn += 3;
                    }
                    default -> throw new Refused("aggregate " + name + " cannot be merged from several shards");
                }
            } else if (value != null && MultiShardAnalysis.containsAggregate(value.fields())) {
                throw new Refused("an aggregate inside an expression cannot be merged from several shards;"
                        + " select the aggregate itself");
            } else {
                columns.add(new OutputColumn.Key(shardColumn++, false));
            }
        }
        for (Node item : groupBy) {
            int target = groupTarget(item);
            if (target < 0) {
                throw new Refused("a GROUP BY item must appear in the select list of a multi-shard query");
            }
            // an aggregate named by GROUP BY is PostgreSQL's error (42803), which every shard answers
            if (columns.get(target) instanceof OutputColumn.Key key) {
                columns.set(target, new OutputColumn.Key(key.shardColumn(), true));
                groupKeys.put(target, CollationInputs.of(targets.get(target), null));
            }
        }
        return new Aggregation(columns);
    }

    /**
     * {@code avg(x)} becomes {@code sum(x), count(x), avg(x)}: the sums and counts give the overall
     * average, and the shard's own avg its result type.
     */
    private SourceText.Edit averageAsSumCountAndAverage(Node call) {
        int start = (int) call.number("location");
        int open = text.nextOpeningParenthesis(start);
        int end = open < 0 ? -1 : text.afterMatchingParenthesis(open);
        if (end < 0) {
            throw new Refused("the arguments of avg could not be read");
        }
        String arguments = text.slice(open, end);
        return new SourceText.Edit(start, end, "sum" + arguments + ", count" + arguments + ", " + text.slice(start, end));
    }

    /**
     * {@code GROUP BY 2} and {@code ORDER BY 2} name select-list entries, which move in the shards'
     * statement once an avg before them became three columns: they are renumbered to the shard column.
     */
    private void renumberPositions(Aggregation aggregation) {
        List<Node> items = new ArrayList<>(select.nodes("groupClause"));
        for (Node sortBy : select.nodes("sortClause")) {
            items.add(sortBy.node("node"));
        }
        for (Node item : items) {
            Integer position = position(item);
            if (position == null) {
                continue;
            }
            int shardColumn = switch (aggregation.columns().get(position)) {
                case OutputColumn.Key key -> key.shardColumn();
                case OutputColumn.Aggregate aggregate -> aggregate.shardColumn();
                case OutputColumn.Average average -> average.averageColumn();
            };
            if (shardColumn != position) {
                edits.add(constantEdit(item, Integer.toString(shardColumn + 1)));
            }
        }
    }

    /** The select-list entry a GROUP BY item names: by position, or by being the same expression. */
    private int groupTarget(Node item) {
        Integer position = position(item);
        if (position != null) {
            return position;
        }
        return sameExpression(item);
    }

    private List<SortKey> sortKeys() {
        List<SortKey> keys = new ArrayList<>();
        for (Node sortBy : select.nodes("sortClause")) {
            String direction = sortBy.string("sortby_dir");
            refuseWhat("SORTBY_USING".equals(direction), "ORDER BY … USING");
            boolean descending = "SORTBY_DESC".equals(direction);
            String nulls = sortBy.string("sortby_nulls");
            boolean nullsFirst = "SORTBY_NULLS_FIRST".equals(nulls) || (descending && !"SORTBY_NULLS_LAST".equals(nulls));
            Node item = sortBy.node("node");
            // ORDER BY x COLLATE "C" sorts the selected x in that collation
            String collation = item != null && item.is("CollateClause") ? CollationInputs.collationName(item) : null;
            if (collation != null) {
                item = item.node("arg");
            }
            int column = sortTarget(item);
            if (column >= 0) {
                keys.add(new SortKey(column, null, descending, nullsFirst));
                sortCollations.add(CollationInputs.of(targets.get(column), collation));
            } else if (hasStar && item != null && item.is("ColumnRef") && item.names("fields") != null
                    && item.names("fields").size() == 1) {
                // a bare name under *: the output column of that name (RowDescription), as in PostgreSQL
                keys.add(new SortKey(-1, lastName(item), descending, nullsFirst));
                sortCollations.add(CollationInputs.of(item, collation));
            } else if (hasStar && item != null && item.is("ColumnRef") && item.names("fields") != null
                    && isSingleRelationColumn(item)) {
                keys.add(new SortKey(-1, lastName(item), descending, nullsFirst));
                sortCollations.add(CollationInputs.of(item, collation));
            } else {
                throw new Refused("an ORDER BY item must appear in the select list of a multi-shard query");
            }
        }
        return keys;
    }

    /**
     * The select-list entry an ORDER BY item names, which is also its column in merged rows (and in
     * shard rows, unless aggregated); -1 when it names none or the {@code *} hides the position.
     * Names resolve as in PostgreSQL (parse_clause.c, findTargetlistEntrySQL92 then SQL99): a bare
     * name is an output column name first, then an input column; a qualified name is an input
     * column, which is a selected one only when the select list holds that very column. Where the
     * router cannot be sure which column a name means, the item is refused.
     */
    private int sortTarget(Node item) {
        Integer position = position(item);
        if (position != null) {
            return hasStar ? -1 : position;
        }
        if (hasStar) {
            return -1;
        }
        boolean bareName = item != null && item.is("ColumnRef") && item.names("fields") != null
                && item.names("fields").size() == 1;
        if (bareName) {
            String name = lastName(item);
            boolean unknownNames = false;
            for (int i = 0; i < visibleCount; i++) {
                String output = OutputNames.of(targetNames.get(i), targets.get(i));
                if (name.equals(output)) {
                    // several of that name: PostgreSQL takes the first if they are equal, else fails on every shard
                    return i;
                }
                unknownNames |= output == null;
            }
            if (unknownNames) {
                throw new Refused("ORDER BY \"" + name + "\" may name a select-list column whose name the router"
                        + " cannot tell; in a multi-shard query, name it with AS or order by its position");
            }
        }
        int same = sameExpression(item);
        if (same >= 0) {
            return same;
        }
        if (item != null && item.is("ColumnRef") && isSingleRelationColumn(item)) {
            String column = columnOfSingleRelation(item);
            for (int i = 0; i < targets.size(); i++) {
                Node value = targets.get(i);
                if (value != null && value.is("ColumnRef") && column.equals(columnOfSingleRelation(value))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** A column reference that surely means a column of the FROM clause's only relation. */
    private boolean isSingleRelationColumn(Node columnRef) {
        return columnOfSingleRelation(columnRef) != null;
    }

    /**
     * The column a reference names when the FROM clause is one table (or one aliased subquery): its
     * name, written bare or qualified with the table's visible name; null otherwise.
     */
    private String columnOfSingleRelation(Node columnRef) {
        List<Node> from = select.nodes("fromClause");
        List<String> names = columnRef.names("fields");
        if (from.size() != 1 || names == null || names.isEmpty()) {
            return null;
        }
        Node only = from.getFirst();
        Node alias = only.struct("alias", "Alias");
        String visible = alias != null ? alias.string("aliasname") : only.is("RangeVar") ? only.string("relname") : null;
        if (visible == null || !(only.is("RangeVar") || only.is("RangeSubselect"))) {
            return null;
        }
        return switch (names.size()) {
            case 1 -> names.getFirst();
            case 2 -> names.getFirst().equals(visible) ? names.getLast() : null;
            case 3 -> alias == null && names.get(1).equals(visible) && names.getFirst().equals(only.string("schemaname"))
                    ? names.getLast() : null;
            default -> null;
        };
    }

    /** A positional GROUP BY or ORDER BY item past the select list (which {@code *} hides). */
    private boolean hasPositionOutsideSelectList() {
        if (hasStar) {
            return false;
        }
        List<Node> items = new ArrayList<>(select.nodes("groupClause"));
        for (Node sortBy : select.nodes("sortClause")) {
            items.add(sortBy.node("node"));
        }
        for (Node item : items) {
            if (item != null && item.is("A_Const") && item.raw("ival") instanceof java.util.Map<?, ?> ival) {
                long number = ival.get("ival") instanceof Number n ? n.longValue() : 0;
                if (number < 1 || number > visibleCount) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code ORDER BY 2} / {@code GROUP BY 2}: the 0-based select-list entry; null for other items. */
    private Integer position(Node item) {
        if (item == null || !item.is("A_Const") || !(item.raw("ival") instanceof java.util.Map<?, ?> ival)) {
            return null;
        }
        long number = ival.get("ival") instanceof Number n ? n.longValue() : 0;
        if (number < 1 || number > visibleCount) {
            throw new Refused("position " + number + " is not in the select list");
        }
        return (int) number - 1;
    }

    private int sameExpression(Node item) {
        if (item == null) {
            return -1;
        }
        Object wanted = MultiShardAnalysis.withoutLocations(java.util.Map.of(item.type(), item.fields()));
        for (int i = 0; i < targets.size(); i++) {
            Node value = targets.get(i);
            if (value != null && Objects.equals(wanted,
                    MultiShardAnalysis.withoutLocations(java.util.Map.of(value.type(), value.fields())))) {
                return i;
            }
        }
        return -1;
    }

    /** {@code n} when LIMIT or OFFSET is {@code $n}, else 0. */
    private static int parameterOf(Node node) {
        if (node == null || !node.is("ParamRef")) {
            return 0;
        }
        long number = node.number("number");
        return number > 0 && number <= Integer.MAX_VALUE ? (int) number : 0;
    }

    /** LIMIT or OFFSET as a number: a non-negative integer constant, or ALL / NULL (none). */
    private long limitValue(Node node, long none) {
        if (node == null) {
            return none;
        }
        if (node.is("A_Const") && node.flag("isnull")) {
            return none;
        }
        if (node.is("A_Const") && node.has("ival") && node.number("location") < 0) {
            // FETCH FIRST ROW ONLY: the grammar supplies the 1, which has no place in the text
            Node ival = node.struct("ival", "Integer");
            return ival == null ? 0 : ival.number("ival");
        }
        if (node.is("A_Const") && node.has("ival")) {
            int start = (int) node.number("location");
            String token = text.slice(start, text.tokenEnd(start));
            if (token.chars().allMatch(Character::isDigit)) {
                try {
                    return Long.parseLong(token);
                } catch (NumberFormatException e) {
                    // too large: refused below
                }
            }
        }
        throw new Refused("LIMIT and OFFSET of a multi-shard query must be non-negative integer constants;"
                + " an expression, a parameter or a negative value");
    }

    private SourceText.Edit constantEdit(Node constant, String replacement) {
        int start = (int) constant.number("location");
        if (start < 0) {
            return implicitRowCount(replacement);
        }
        return new SourceText.Edit(start, text.tokenEnd(start), replacement);
    }

    /** {@code FETCH FIRST ROW ONLY} written with a count: the count goes after FIRST (or NEXT). */
    private SourceText.Edit implicitRowCount(String count) {
        for (int fetch = text.keywordAtTopLevel("FETCH", 0); fetch >= 0; fetch = text.keywordAtTopLevel("FETCH", text.tokenEnd(fetch))) {
            int first = text.skipBlanks(text.tokenEnd(fetch));
            int firstEnd = text.tokenEnd(first);
            String word = text.slice(first, firstEnd);
            if (word.equalsIgnoreCase("FIRST") || word.equalsIgnoreCase("NEXT")) {
                return new SourceText.Edit(firstEnd, firstEnd, " " + count);
            }
        }
        throw new Refused("the FETCH FIRST clause of the query was not found");
    }

    private static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** Tables in the top-level FROM whose rows all reach the result: not under the null-extended side of an outer join. */
    private List<TableRef> rowSources() {
        List<TableRef> sources = new ArrayList<>();
        for (Node item : select.nodes("fromClause")) {
            addRowSources(item, sources);
        }
        return sources;
    }

    private static void addRowSources(Node item, List<TableRef> sources) {
        if (item.is("RangeVar")) {
            sources.add(QueryAnalysis.tableRef(item));
        } else if (item.is("JoinExpr")) {
            String type = item.string("jointype");
            Node left = item.node("larg");
            Node right = item.node("rarg");
            if ((type == null || "JOIN_INNER".equals(type) || "JOIN_LEFT".equals(type)) && left != null) {
                addRowSources(left, sources);
            }
            if ((type == null || "JOIN_INNER".equals(type) || "JOIN_RIGHT".equals(type)) && right != null) {
                addRowSources(right, sources);
            }
        }
    }

    private static boolean isStar(Node value) {
        if (value == null || !value.is("ColumnRef")) {
            return false;
        }
        List<Node> fields = value.positional("fields");
        return !fields.isEmpty() && fields.getLast() != null && fields.getLast().is("A_Star");
    }

    private static String lastName(Node columnRef) {
        List<String> names = columnRef.names("fields");
        return names == null || names.isEmpty() ? null : names.getLast();
    }
}
