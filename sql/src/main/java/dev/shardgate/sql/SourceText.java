package dev.shardgate.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The UTF-8 bytes of a parsed query string, read the way PostgreSQL's scanner reads them: enough to
 * find where a function call or a row of VALUES ends, which libpg_query does not record (its
 * locations are start offsets only), and to splice replacements into the text.
 */
final class SourceText {
    private final byte[] utf8;
    private final CharSequence chars;

    SourceText(byte[] utf8) {
        this.utf8 = utf8;
        this.chars = SqlLexer.ofBytes(utf8);
    }

    int length() {
        return utf8.length;
    }

    String slice(int start, int end) {
        return new String(utf8, start, end - start, StandardCharsets.UTF_8);
    }

    /** The offset after blanks and comments from {@code i}. */
    int skipBlanks(int i) {
        int n = utf8.length;
        while (i < n) {
            byte c = utf8[i];
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '-' && i + 1 < n && utf8[i + 1] == '-') {
                i = SqlLexer.lineCommentEnd(chars, i);
            } else if (c == '/' && i + 1 < n && utf8[i + 1] == '*') {
                i = SqlLexer.orLength(chars, SqlLexer.blockCommentEnd(chars, i));
            } else {
                break;
            }
        }
        return i;
    }

    /** The end of the token starting at {@code i} (which must not be a blank or comment). */
    int tokenEnd(int i) {
        int n = utf8.length;
        if (i >= n) {
            return n;
        }
        byte c = utf8[i];
        if (c == '\'') {
            boolean backslashes = i > 0 && (utf8[i - 1] == 'e' || utf8[i - 1] == 'E');
            return SqlLexer.orLength(chars, SqlLexer.quotedEnd(chars, i, backslashes));
        }
        if (c == '"') {
            return SqlLexer.orLength(chars, SqlLexer.quotedEnd(chars, i, false));
        }
        if (c == '$') {
            int tagEnd = SqlLexer.dollarQuoteTagEnd(chars, i);
            if (tagEnd >= 0) {
                return SqlLexer.orLength(chars, SqlLexer.dollarQuotedEnd(chars, i, tagEnd));
            }
        }
        if (isIdentifierPart(c) || c == '$') {
            int j = i + 1;
            while (j < n && (isIdentifierPart(utf8[j]) || utf8[j] == '$' || (utf8[j] == '.' && isDigit(c)))) {
                j++;
            }
            // E'…', U&'…', B'…' and X'…' are one token with their quote
            if (j < n && utf8[j] == '\'' && j - i == 1) {
                return SqlLexer.orLength(chars, SqlLexer.quotedEnd(chars, j, c == 'e' || c == 'E'));
            }
            return j;
        }
        return i + 1;
    }

    /**
     * From an opening parenthesis at {@code open}, the offset just after its matching closing one,
     * or -1 when the text ends first.
     */
    int afterMatchingParenthesis(int open) {
        int depth = 0;
        int i = open;
        while (i < utf8.length) {
            i = skipBlanks(i);
            if (i >= utf8.length) {
                break;
            }
            byte c = utf8[i];
            int end = tokenEnd(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
                if (depth == 0) {
                    return end;
                }
            }
            i = end;
        }
        return -1;
    }

    /** The offset of the next {@code (} token from {@code i}, or -1. */
    int nextOpeningParenthesis(int i) {
        while (i < utf8.length) {
            i = skipBlanks(i);
            if (i < utf8.length && utf8[i] == '(') {
                return i;
            }
            i = tokenEnd(i);
        }
        return -1;
    }

    /** The first occurrence of the keyword outside parentheses and quotes, from {@code from}; -1 if none. */
    int keywordAtTopLevel(String keyword, int from) {
        int depth = 0;
        int i = from;
        while (i < utf8.length) {
            i = skipBlanks(i);
            if (i >= utf8.length) {
                break;
            }
            int end = tokenEnd(i);
            byte c = utf8[i];
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (depth == 0 && end - i == keyword.length() && slice(i, end).equalsIgnoreCase(keyword)) {
                return i;
            }
            i = end;
        }
        return -1;
    }

    /** The byte at an offset, for callers checking punctuation. */
    byte at(int i) {
        return i < utf8.length ? utf8[i] : 0;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /** Letters, digits, underscore and every byte of a multibyte character, as PostgreSQL's scanner allows. */
    private static boolean isIdentifierPart(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_' || c < 0;
    }

    /** A change to the text: bytes {@code [start, end)} become {@code replacement}. */
    record Edit(int start, int end, String replacement) {
    }

    /** The text with non-overlapping edits applied. */
    String edited(List<Edit> edits) {
        List<Edit> sorted = new ArrayList<>(edits);
        sorted.sort(Comparator.comparingInt(Edit::start));
        StringBuilder out = new StringBuilder(utf8.length + 32);
        int at = 0;
        for (Edit edit : sorted) {
            out.append(slice(at, edit.start())).append(edit.replacement());
            at = edit.end();
        }
        return out.append(slice(at, utf8.length)).toString();
    }
}
