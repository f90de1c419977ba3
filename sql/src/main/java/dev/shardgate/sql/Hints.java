package dev.shardgate.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Routing hints written in block comments the way SPQR reads them:
 * {@code /*__spqr__sharding_key: 42*}{@code /}, {@code /* __spqr__distribution: ds1 *}{@code /},
 * {@code /*__spqr__execute_on: sh1*}{@code /}. Comment markers inside string literals, quoted
 * identifiers, dollar-quoted strings and {@code --} comments are not comments and are skipped.
 */
public final class Hints {
    private static final String MARKER = "__spqr__";

    private Hints() {
    }

    /**
     * The hints in the text, by name without the {@code __spqr__} prefix (lower case), values
     * trimmed; a later hint of the same name wins. Text without {@code __spqr__} costs one scan
     * for that marker and gives an empty map.
     */
    public static Map<String, String> fromComments(String sql) {
        if (sql == null || !sql.contains(MARKER)) {
            return Map.of();
        }
        Map<String, String> hints = new LinkedHashMap<>();
        int length = sql.length();
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            char next = i + 1 < length ? sql.charAt(i + 1) : '\0';
            if (c == '\'') {
                i = SqlLexer.orLength(sql, SqlLexer.quotedEnd(sql, i, SqlLexer.isEscapeStringQuote(sql, i)));
            } else if (c == '"') {
                i = SqlLexer.orLength(sql, SqlLexer.quotedEnd(sql, i, false));
            } else if (c == '-' && next == '-') {
                i = SqlLexer.lineCommentEnd(sql, i);
            } else if (c == '/' && next == '*') {
                i = blockComment(sql, i, hints);
            } else if (c == '$' && (i == 0 || !SqlLexer.isIdentifierPart(sql.charAt(i - 1)))) {
                int tagEnd = SqlLexer.dollarQuoteTagEnd(sql, i);
                i = tagEnd < 0 ? i + 1 : SqlLexer.orLength(sql, SqlLexer.dollarQuotedEnd(sql, i, tagEnd));
            } else {
                i++;
            }
        }
        return Collections.unmodifiableMap(hints);
    }

    /** Reads hints from a block comment (PostgreSQL's nest) and returns the index after it. */
    private static int blockComment(String sql, int open, Map<String, String> hints) {
        int end = SqlLexer.blockCommentEnd(sql, open);
        readHints(sql.substring(open + 2, end < 0 ? sql.length() : end - 2), hints);
        return SqlLexer.orLength(sql, end);
    }

    private static void readHints(String comment, Map<String, String> hints) {
        int at = comment.indexOf(MARKER);
        while (at >= 0) {
            int nameStart = at + MARKER.length();
            int nameEnd = nameStart;
            while (nameEnd < comment.length() && (Character.isLetterOrDigit(comment.charAt(nameEnd)) || comment.charAt(nameEnd) == '_')) {
                nameEnd++;
            }
            int colon = nameEnd;
            while (colon < comment.length() && Character.isWhitespace(comment.charAt(colon))) {
                colon++;
            }
            int following = comment.indexOf(MARKER, nameEnd);
            if (nameEnd > nameStart && colon < comment.length() && comment.charAt(colon) == ':') {
                String value = comment.substring(colon + 1, following < 0 ? comment.length() : following).strip();
                if (following >= 0 && value.endsWith(",")) {
                    value = value.substring(0, value.length() - 1).strip();
                }
                hints.put(comment.substring(nameStart, nameEnd).toLowerCase(Locale.ROOT), value);
            }
            at = following;
        }
    }
}
