package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Where the select list and the items of GROUP BY and ORDER BY of a top-level SELECT end in its
 * text. libpg_query records where an expression starts, not where it ends; a hidden column (an
 * ORDER BY or GROUP BY item missing from the select list) is sent to the shards as the item's own
 * text appended to the select list, so these ends are read from the tokens.
 */
final class ClauseItems {
    /** Reserved words (PostgreSQL documentation, Appendix C) that end a GROUP BY list. */
    private static final Set<String> AFTER_GROUP_BY = Set.of("HAVING", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH",
            "FOR", "UNION", "INTERSECT", "EXCEPT");
    private static final Set<String> AFTER_ORDER_BY = Set.of("LIMIT", "OFFSET", "FETCH", "FOR");
    private static final Set<String> AFTER_SELECT_LIST = Set.of("FROM", "INTO", "WHERE", "GROUP", "HAVING", "WINDOW",
            "ORDER", "LIMIT", "OFFSET", "FETCH", "FOR", "UNION", "INTERSECT", "EXCEPT");

    private ClauseItems() {
    }

    /** A span of the text, {@code [start, end)}. */
    record Span(int start, int end) {
    }

    /** The items of the top-level GROUP BY; null when it is not found. */
    static List<Span> groupBy(SourceText text) {
        return items(text, "GROUP", AFTER_GROUP_BY);
    }

    /** The expressions of the top-level ORDER BY items, without ASC, DESC and NULLS FIRST/LAST; null when not found. */
    static List<Span> orderBy(SourceText text) {
        List<Span> items = items(text, "ORDER", AFTER_ORDER_BY);
        if (items == null) {
            return null;
        }
        List<Span> expressions = new ArrayList<>(items.size());
        for (Span item : items) {
            List<Span> tokens = tokens(text, item);
            int last = tokens.size();
            if (last >= 2 && word(text, tokens.get(last - 2)).equals("NULLS")
                    && Set.of("FIRST", "LAST").contains(word(text, tokens.get(last - 1)))) {
                last -= 2;
            }
            if (last >= 1 && Set.of("ASC", "DESC").contains(word(text, tokens.get(last - 1)))) {
                last -= 1;
            }
            if (last == 0) {
                return null;
            }
            expressions.add(new Span(item.start(), tokens.get(last - 1).end()));
        }
        return expressions;
    }

    /**
     * Where the select list ends: after the last token before the top-level FROM (not that of
     * {@code IS [NOT] DISTINCT FROM}) or the next clause; {@code lastItemStart} is where its last
     * entry starts.
     */
    static int selectListEnd(SourceText text, int lastItemStart) {
        int depth = 0;
        int end = lastItemStart;
        String previous = "";
        for (int i = text.skipBlanks(lastItemStart); i < text.length(); i = text.skipBlanks(i)) {
            int tokenEnd = text.tokenEnd(i);
            byte c = text.at(i);
            String word = text.slice(i, tokenEnd).toUpperCase(Locale.ROOT);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                if (depth == 0) {
                    return end;
                }
                depth--;
            } else if (depth == 0 && (c == ';' || (AFTER_SELECT_LIST.contains(word)
                    && !(word.equals("FROM") && previous.equals("DISTINCT"))))) {
                return end;
            }
            previous = word;
            end = tokenEnd;
            i = tokenEnd;
        }
        return end;
    }

    /** The comma-separated items after the top-level {@code first BY}, up to a word of {@code enders}. */
    private static List<Span> items(SourceText text, String first, Set<String> enders) {
        int clause = clauseStart(text, first);
        if (clause < 0) {
            return null;
        }
        List<Span> items = new ArrayList<>();
        int depth = 0;
        int start = text.skipBlanks(clause);
        int end = start;
        for (int i = start; i < text.length(); i = text.skipBlanks(i)) {
            int tokenEnd = text.tokenEnd(i);
            byte c = text.at(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (depth == 0 && c == ';') {
                break;
            } else if (depth == 0 && c == ',') {
                items.add(new Span(start, end));
                start = text.skipBlanks(tokenEnd);
                end = start;
                i = tokenEnd;
                continue;
            } else if (depth == 0 && enders.contains(text.slice(i, tokenEnd).toUpperCase(Locale.ROOT))) {
                break;
            }
            end = tokenEnd;
            i = tokenEnd;
        }
        if (end > start) {
            items.add(new Span(start, end));
        }
        return items;
    }

    /** The offset after {@code first BY} at the top level; -1 when there is none. */
    private static int clauseStart(SourceText text, String first) {
        for (int at = text.keywordAtTopLevel(first, 0); at >= 0; at = text.keywordAtTopLevel(first, text.tokenEnd(at))) {
            int next = text.skipBlanks(text.tokenEnd(at));
            int nextEnd = text.tokenEnd(next);
            if (text.slice(next, nextEnd).equalsIgnoreCase("BY")) {
                return nextEnd;
            }
        }
        return -1;
    }

    /** The top-level tokens of a span. */
    private static List<Span> tokens(SourceText text, Span span) {
        List<Span> tokens = new ArrayList<>();
        int depth = 0;
        int groupStart = -1;
        for (int i = text.skipBlanks(span.start()); i < span.end(); i = text.skipBlanks(i)) {
            int tokenEnd = text.tokenEnd(i);
            byte c = text.at(i);
            if (c == '(' || c == '[') {
                if (depth++ == 0) {
                    groupStart = i;
                }
            } else if (c == ')' || c == ']') {
                if (--depth == 0) {
                    tokens.add(new Span(groupStart, tokenEnd));
                }
            } else if (depth == 0) {
                tokens.add(new Span(i, tokenEnd));
            }
            i = tokenEnd;
        }
        return tokens;
    }

    private static String word(SourceText text, Span token) {
        return text.slice(token.start(), token.end()).toUpperCase(Locale.ROOT);
    }
}
