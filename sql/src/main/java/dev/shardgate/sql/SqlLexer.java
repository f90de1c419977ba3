package dev.shardgate.sql;

/**
 * The parts of PostgreSQL's scanner ({@code src/backend/parser/scan.l}) that text-level code needs
 * to step over what is not SQL: comments, string constants, quoted identifiers and dollar quotes,
 * and to find parameter symbols {@code $n}. Offsets are {@code char} offsets of the text; every
 * delimiter involved is ASCII. A method returning an end gives -1 when the text ends first.
 */
public final class SqlLexer {
    private SqlLexer() {
    }

    /** The offset after the newline ending a {@code --} comment at {@code start}, or the text's length. */
    public static int lineCommentEnd(CharSequence sql, int start) {
        for (int i = start; i < sql.length(); i++) {
            if (sql.charAt(i) == '\n') {
                return i + 1;
            }
        }
        return sql.length();
    }

    /** The offset after a block comment opening at {@code open}; block comments nest in PostgreSQL. */
    public static int blockCommentEnd(CharSequence sql, int open) {
        int depth = 0;
        int i = open;
        int n = sql.length();
        while (i + 1 < n) {
            char c = sql.charAt(i);
            char next = sql.charAt(i + 1);
            if (c == '/' && next == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && next == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * The offset after '…' or "…" opening at {@code open} (the quote is the character there); a
     * doubled quote stands for itself, and with backslash escapes (E'…') a backslash escapes the
     * next character.
     */
    public static int quotedEnd(CharSequence sql, int open, boolean backslashEscapes) {
        char quote = sql.charAt(open);
        int n = sql.length();
        int i = open + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /** Whether the {@code '} at {@code quote} opens an escape string: E or e right before it, starting a word. */
    public static boolean isEscapeStringQuote(CharSequence sql, int quote) {
        if (quote == 0) {
            return false;
        }
        char prefix = sql.charAt(quote - 1);
        return (prefix == 'E' || prefix == 'e') && (quote < 2 || !isIdentifierPart(sql.charAt(quote - 2)));
    }

    /**
     * The offset of the second {@code $} when a dollar-quote delimiter {@code $tag$} (tag possibly
     * empty) opens at {@code dollar}, or -1 when the {@code $} opens none (a parameter {@code $1},
     * a lone {@code $}).
     */
    public static int dollarQuoteTagEnd(CharSequence sql, int dollar) {
        int n = sql.length();
        int i = dollar + 1;
        if (i < n && isDigit(sql.charAt(i))) {
            return -1;
        }
        while (i < n && isIdentifierPart(sql.charAt(i)) && sql.charAt(i) != '$') {
            i++;
        }
        return i < n && sql.charAt(i) == '$' ? i : -1;
    }

    /**
     * The offset after a dollar-quoted string whose delimiter runs from {@code dollar} to
     * {@code tagEnd} (see {@link #dollarQuoteTagEnd}), or -1 when its closing delimiter is missing.
     */
    public static int dollarQuotedEnd(CharSequence sql, int dollar, int tagEnd) {
        int length = tagEnd + 1 - dollar;
        search:
        for (int close = tagEnd + 1; close + length <= sql.length(); close++) {
            for (int k = 0; k < length; k++) {
                if (sql.charAt(close + k) != sql.charAt(dollar + k)) {
                    continue search;
                }
            }
            return close + length;
        }
        return -1;
    }

    /** A parameter symbol {@code $n} at {@code [start, end)} of the text. */
    public interface ParameterFound {
        void at(int start, int end, int number);
    }

    /**
     * Finds the parameter symbols as PostgreSQL's lexer does: {@code $} and digits, not inside string
     * constants ('…', E'…', $tag$…$tag$), quoted identifiers or comments, and not part of an
     * identifier (which may contain {@code $}).
     */
    public static void forEachParameter(String sql, ParameterFound found) {
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = lineCommentEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = orLength(sql, blockCommentEnd(sql, i));
            } else if (c == '\'' || c == '"') {
                i = orLength(sql, quotedEnd(sql, i, c == '\'' && isEscapeStringQuote(sql, i)));
            } else if (c == '$' && i + 1 < n && isDigit(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && isDigit(sql.charAt(end))) {
                    end++;
                }
                found.at(i, end, Integer.parseInt(sql.substring(i + 1, end)));
                i = end;
            } else if (c == '$') {
                int tagEnd = dollarQuoteTagEnd(sql, i);
                i = tagEnd < 0 ? i + 1 : orLength(sql, dollarQuotedEnd(sql, i, tagEnd));
            } else if (isIdentifierStart(c)) {
                while (i < n && isIdentifierPart(sql.charAt(i))) {
                    i++;
                }
            } else if (isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '.')) {
                    i++;
                }
            } else {
                i++;
            }
        }
    }

    /**
     * UTF-8 text seen one {@code char} per byte, so that offsets are byte offsets (libpg_query's
     * locations); every delimiter is ASCII and every byte of a multibyte character reads as an
     * identifier character, as in PostgreSQL's scanner.
     */
    static CharSequence ofBytes(byte[] utf8) {
        return new Latin1(utf8);
    }

    private record Latin1(byte[] bytes) implements CharSequence {
        @Override
        public int length() {
            return bytes.length;
        }

        @Override
        public char charAt(int index) {
            return (char) (bytes[index] & 0xff);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    /** An end offset, with a construct the text does not close running to the text's end. */
    public static int orLength(CharSequence sql, int end) {
        return end < 0 ? sql.length() : end;
    }

    /** PostgreSQL's ident_start: letters, underscore and any non-ASCII character. */
    public static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    /** PostgreSQL's ident_cont: an identifier start, a digit or {@code $}. */
    public static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
