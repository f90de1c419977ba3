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
                i = skipQuoted(sql, i, '\'', isEscapeString(sql, i));
            } else if (c == '"') {
                i = skipQuoted(sql, i, '"', false);
            } else if (c == '-' && next == '-') {
                int newline = sql.indexOf('\n', i);
                i = newline < 0 ? length : newline + 1;
            } else if (c == '/' && next == '*') {
                i = blockComment(sql, i, hints);
            } else if (c == '$' && (i == 0 || !isIdentifierChar(sql.charAt(i - 1)))) {
                i = skipDollarQuoted(sql, i);
            } else {
                i++;
            }
        }
        return Collections.unmodifiableMap(hints);
    }

    /** E'…' strings take backslash escapes: {@code E'it\'s'}. */
    private static boolean isEscapeString(String sql, int quote) {
        if (quote == 0) {
            return false;
        }
        char prefix = sql.charAt(quote - 1);
        return (prefix == 'E' || prefix == 'e') && (quote < 2 || !isIdentifierChar(sql.charAt(quote - 2)));
    }

    /** Skips '…' or "…" with doubled quotes (and backslash escapes when asked); returns the index after it. */
    private static int skipQuoted(String sql, int open, char quote, boolean backslashEscapes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** Skips $tag$…$tag$ when a dollar quote opens here ($1 is a parameter, not a quote). */
    private static int skipDollarQuoted(String sql, int dollar) {
        int i = dollar + 1;
        if (i < sql.length() && Character.isDigit(sql.charAt(i))) {
            return i;
        }
        while (i < sql.length() && sql.charAt(i) != '$') {
            if (!isIdentifierChar(sql.charAt(i))) {
                return dollar + 1;
            }
            i++;
        }
        if (i >= sql.length()) {
            return sql.length();
        }
        String tag = sql.substring(dollar, i + 1);
        int close = sql.indexOf(tag, i + 1);
        return close < 0 ? sql.length() : close + tag.length();
    }

    /** Reads hints from a block comment (PostgreSQL's nest) and returns the index after it. */
    private static int blockComment(String sql, int open, Map<String, String> hints) {
        int depth = 1;
        int i = open + 2;
        while (i < sql.length() && depth > 0) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
            } else {
                i++;
            }
        }
        int contentEnd = depth == 0 ? i - 2 : sql.length();
        readHints(sql.substring(open + 2, contentEnd), hints);
        return i;
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

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
