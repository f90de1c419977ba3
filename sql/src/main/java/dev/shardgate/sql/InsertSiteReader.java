package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every INSERT in libpg_query's parse tree and, for the ones that are statements of their
 * own with a column list and a plain VALUES list, the places in the text where a column and its
 * values go. libpg_query records where a node starts, not where it ends, so the ends of the column
 * list and of each row are found by reading the text the way PostgreSQL's scanner does.
 */
final class InsertSiteReader {
    /** SelectStmt fields a plain {@code VALUES (…), (…)} has; any other (ORDER BY, LIMIT, WITH) makes it a query. */
    private static final Set<String> PLAIN_VALUES_FIELDS = Set.of("valuesLists", "limitOption", "op");

    private final SourceText text;
    private final List<InsertSite> sites = new ArrayList<>();
    private int highestParameter;

    private InsertSiteReader(byte[] utf8) {
        this.text = new SourceText(utf8);
    }

    static InsertSites read(Object tree, byte[] utf8) {
        InsertSiteReader reader = new InsertSiteReader(utf8);
        if (tree instanceof Map<?, ?> root && root.get("stmts") instanceof List<?> raws) {
            Map<Object, Integer> topLevel = new IdentityHashMap<>();
            for (Object raw : raws) {
                if (raw instanceof Map<?, ?> entry && Node.of(entry.get("stmt")) != null) {
                    int location = entry.get("stmt_location") instanceof Number n ? n.intValue() : 0;
                    topLevel.put(Node.of(entry.get("stmt")).fields(), location);
                }
            }
            reader.walk(root.get("stmts"), topLevel);
        }
        return new InsertSites(reader.text, reader.sites, reader.highestParameter, true);
    }

    private void walk(Object json, Map<Object, Integer> topLevel) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                walk(item, topLevel);
            }
            return;
        }
        if (!(json instanceof Map<?, ?> map)) {
            return;
        }
        Node node = Node.of(json);
        if (node != null && node.is("ParamRef")) {
            highestParameter = Math.max(highestParameter, (int) node.number("number"));
        }
        if (node != null && node.is("InsertStmt")) {
            Integer statementStart = topLevel.get(node.fields());
            sites.add(site(node, statementStart));
        }
        for (Object value : map.values()) {
            walk(value, topLevel);
        }
    }

    /** @param statementStart where the statement starts when the INSERT is one of its own; null when nested */
    private InsertSite site(Node insert, Integer statementStart) {
        Node relation = insert.struct("relation", "RangeVar");
        TableRef table = relation == null ? new TableRef(null, "", null) : QueryAnalysis.tableRef(relation);
        List<String> columns = new ArrayList<>();
        for (Node target : insert.nodes("cols")) {
            columns.add(target.has("indirection") ? null : target.string("name"));
        }
        Node source = insert.node("selectStmt");
        if (statementStart == null) {
            return new InsertSite.Other(table, columns, "INSERT inside another statement");
        }
        if (source == null) {
            return new InsertSite.Other(table, columns, "INSERT … DEFAULT VALUES");
        }
        if (!source.is("SelectStmt") || !source.has("valuesLists")
                || !PLAIN_VALUES_FIELDS.containsAll(source.fields().keySet())) {
            return new InsertSite.Other(table, columns, "INSERT … SELECT");
        }
        if (columns.isEmpty() || relation == null) {
            return new InsertSite.Other(table, columns, "INSERT without a column list");
        }
        int listOpen = text.nextOpeningParenthesis((int) relation.number("location"));
        int listEnd = listOpen < 0 ? -1 : text.afterMatchingParenthesis(listOpen);
        List<Integer> rowEnds = rowEnds(statementStart);
        if (listEnd < 0 || rowEnds.size() != source.nodes("valuesLists").size()) {
            return new InsertSite.Other(table, columns, "INSERT whose VALUES rows could not be told apart");
        }
        return new InsertSite.Values(table, columns, listEnd - 1, rowEnds);
    }

    /** The offset of each row's closing parenthesis, after the statement's VALUES keyword. */
    private List<Integer> rowEnds(int statementStart) {
        List<Integer> ends = new ArrayList<>();
        int values = text.keywordAtTopLevel("VALUES", statementStart);
        if (values < 0) {
            return ends;
        }
        int i = text.skipBlanks(values + "VALUES".length());
        while (text.at(i) == '(') {
            int end = text.afterMatchingParenthesis(i);
            if (end < 0) {
                break;
            }
            ends.add(end - 1);
            i = text.skipBlanks(end);
            if (text.at(i) != ',') {
                break;
            }
            i = text.skipBlanks(i + 1);
        }
        return ends;
    }
}
