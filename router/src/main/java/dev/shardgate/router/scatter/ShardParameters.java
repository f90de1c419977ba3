package dev.shardgate.router.scatter;

import dev.shardgate.wire.Bind;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The parameters one shard's part of a split statement uses. A multi-row INSERT whose rows go to
 * different shards is cut into one statement per shard; each keeps only its rows' {@code $n}, so its
 * parameters are renumbered {@code $1 … $k} (in their original order) and the client's Bind, Parse
 * types and parameter format codes are cut to match. A server refuses a Bind with more values than
 * its statement uses (08P01), and a parameter no part of the statement mentions has no type (42P18).
 *
 * @param sql the shard's statement with its parameters renumbered
 * @param used the client's parameter numbers (1-based) the shard's statement uses, ascending:
 *     shard parameter {@code $i} is client parameter {@code used[i-1]}
 */
public record ShardParameters(String sql, int[] used) {

    /** Renumbers the parameters the text mentions, in ascending order of their client numbers. */
    public static ShardParameters of(String sql) {
        BitSet mentioned = new BitSet();
        scan(sql, (start, end, number) -> mentioned.set(number));
        int[] used = mentioned.stream().toArray();
        int[] renumbered = new int[used.length == 0 ? 1 : used[used.length - 1] + 1];
        for (int i = 0; i < used.length; i++) {
            renumbered[used[i]] = i + 1;
        }
        StringBuilder out = new StringBuilder(sql.length());
        int[] copied = {0};
        scan(sql, (start, end, number) -> {
            out.append(sql, copied[0], start).append('$').append(renumbered[number]);
            copied[0] = end;
        });
        out.append(sql, copied[0], sql.length());
        return new ShardParameters(out.toString(), used);
    }

    /** The Parse parameter types for the shard's statement: unspecified (0) where the client gave none. */
    public int[] parameterTypes(int[] clientTypes) {
        int[] types = new int[used.length];
        for (int i = 0; i < used.length; i++) {
            types[i] = used[i] - 1 < clientTypes.length ? clientTypes[used[i] - 1] : 0;
        }
        return types;
    }

    /** The client's Bind cut to the shard's parameters; formats given per parameter are cut alike. */
    public Bind bind(Bind client, String portal, short[] resultFormats) {
        byte[][] values = new byte[used.length][];
        for (int i = 0; i < used.length; i++) {
            values[i] = used[i] - 1 < client.parameters().length ? client.parameters()[used[i] - 1] : null;
        }
        short[] formats = client.parameterFormats();
        if (formats.length > 1) {
            short[] cut = new short[used.length];
            for (int i = 0; i < used.length; i++) {
                cut[i] = used[i] - 1 < formats.length ? formats[used[i] - 1] : 0;
            }
            formats = cut;
        }
        return new Bind(portal, "", formats, values, resultFormats);
    }

    /** A parameter symbol {@code $n} at {@code [start, end)} of the text. */
    private interface ParameterFound {
        void at(int start, int end, int number);
    }

    /**
     * Finds the parameter symbols as PostgreSQL's lexer does: {@code $} and digits, not inside string
     * constants ('…', E'…', $tag$…$tag$), quoted identifiers or comments, and not part of an
     * identifier (which may contain {@code $}).
     */
    private static void scan(String sql, ParameterFound found) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = blockCommentEnd(sql, i);
            } else if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentifierChar(sql.charAt(i - 2)));
                i = quotedEnd(sql, i, '\'', escapes);
            } else if (c == '"') {
                i = quotedEnd(sql, i, '"', false);
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                found.at(i, end, Integer.parseInt(sql.substring(i + 1, end)));
                i = end;
            } else if (c == '$') {
                i = dollarQuotedEnd(sql, i);
            } else if (isIdentifierStart(c)) {
                while (i < n && isIdentifierChar(sql.charAt(i))) {
                    i++;
                }
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '.')) {
                    i++;
                }
            } else {
                i++;
            }
        }
    }

    private static int blockCommentEnd(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return i;
    }

    private static int quotedEnd(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
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
        return i;
    }

    /** {@code $tag$ … $tag$}; a lone {@code $} is skipped. */
    private static int dollarQuotedEnd(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && isIdentifierChar(sql.charAt(i)) && sql.charAt(i) != '$') {
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '$') {
            return start + 1;
        }
        String delimiter = sql.substring(start, i + 1);
        int close = sql.indexOf(delimiter, i + 1);
        return close < 0 ? sql.length() : close + delimiter.length();
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierChar(char c) {
        return isIdentifierStart(c) || Character.isDigit(c) || c == '$';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardParameters that && sql.equals(that.sql) && Arrays.equals(used, that.used);
    }

    @Override
    public int hashCode() {
        return sql.hashCode() * 31 + Arrays.hashCode(used);
    }

    @Override
    public String toString() {
        return "ShardParameters[sql=" + sql + ", used=" + Arrays.toString(used) + "]";
    }
}
