package dev.shardgate.sql;

import java.util.List;
import java.util.Map;

/**
 * How the rows an UPDATE of the distribution key moves to another shard are taken off their old
 * shard: the UPDATE's own target and WHERE clause as a {@code DELETE … RETURNING *}, whose rows are
 * copied to the new key's shard, where the UPDATE then runs and answers (SPQR's split update).
 *
 * @param deleteSql {@code DELETE FROM <target> WHERE <condition> RETURNING *}, with the UPDATE's
 *     own parameters; null when refused
 * @param refusal why the UPDATE cannot move rows this way; null when it can
 */
public record KeyMove(String deleteSql, String refusal) {

    static KeyMove refused(String reason) {
        return new KeyMove(null, reason);
    }

    /** Reads one UPDATE statement; anything else, or an UPDATE whose WHERE may mean another thing elsewhere, is refused. */
    static KeyMove read(Object tree, byte[] utf8) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws) || raws.size() != 1
                || !(raws.getFirst() instanceof Map<?, ?> entry)) {
            return refused("it is not a single statement");
        }
        Node update = Node.of(entry.get("stmt"));
        if (update == null || !update.is("UpdateStmt")) {
            return refused("it is not an UPDATE");
        }
        if (update.has("withClause")) {
            return refused("it has a WITH clause");
        }
        if (update.has("fromClause")) {
            return refused("it has a FROM clause: which rows it updates depends on other relations");
        }
        if (!update.has("whereClause")) {
            return refused("it has no WHERE clause");
        }
        if (KnownFunctions.firstNotBuiltIn(update.fields()) != null || !MultiShardAnalysis.tables(update.fields()).equals(
                List.of(QueryAnalysis.tableRef(update.struct("relation", "RangeVar"))))) {
            // the condition is evaluated once where the rows are and once where they go: it must read
            // nothing but the row itself there
            return refused("it reads other relations or calls functions that are not built in");
        }
        if (contains(update.raw("whereClause"), "FuncCall") || contains(update.raw("whereClause"), "SQLValueFunction")) {
            // random(), now(), current_timestamp: evaluated by two backends, they may choose other rows
            return refused("its WHERE clause calls a function, which the old and the new shard could evaluate differently");
        }
        int start = entry.get("stmt_location") instanceof Number n ? n.intValue() : 0;
        SourceText text = new SourceText(utf8);
        int end = entry.get("stmt_len") instanceof Number n && n.intValue() > 0 ? start + n.intValue() : text.length();
        int set = text.keywordAtTopLevel("SET", start);
        int where = text.keywordAtTopLevel("WHERE", start);
        int updateKeyword = text.keywordAtTopLevel("UPDATE", start);
        if (updateKeyword < 0 || set < 0 || where < set || where > end) {
            return refused("its target and WHERE clause were not found in its text");
        }
        int returning = text.keywordAtTopLevel("RETURNING", where);
        int conditionEnd = returning >= 0 && returning < end ? returning : end;
        int semicolon = text.keywordAtTopLevel(";", where);
        if (semicolon >= 0 && semicolon < conditionEnd) {
            conditionEnd = semicolon;
        }
        String target = text.slice(updateKeyword + "UPDATE".length(), set).strip();
        String condition = text.slice(where, conditionEnd).strip();
        return new KeyMove("DELETE FROM " + target + " " + condition + "\nRETURNING *", null);
    }

    /** Whether a node of this type occurs anywhere in the JSON subtree. */
    private static boolean contains(Object json, String nodeType) {
        if (json instanceof Map<?, ?> map) {
            if (map.containsKey(nodeType)) {
                return true;
            }
            for (Object value : map.values()) {
                if (contains(value, nodeType)) {
                    return true;
                }
            }
        } else if (json instanceof List<?> list) {
            for (Object item : list) {
                if (contains(item, nodeType)) {
                    return true;
                }
            }
        }
        return false;
    }
}
