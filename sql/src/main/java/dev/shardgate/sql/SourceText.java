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

    SourceText(byte[] utf8) {
        this.utf8 = utf8;
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
                while (i < n && utf8[i] != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && utf8[i + 1] == '*') {
                i = endOfBlockComment(i);
            } else {
                break;
            }
        }
        return i;
    }

    /** Block comments nest in PostgreSQL. */
    private int endOfBlockComment(int i) {
        int depth = 0;
        int n = utf8.length;
        while (i < n) {
            if (utf8[i] == '/' && i + 1 < n && utf8[i + 1] == '*') {
                depth++;
                i += 2;
            } else if (utf8[i] == '*' && i + 1 < n && utf8[i + 1] == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
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
            return endOfQuoted(i, (byte) '\'', backslashes);
        }
        if (c == '"') {
            return endOfQuoted(i, (byte) '"', false);
        }
        if (c == '$' && i + 1 < n && !isDigit(utf8[i + 1])) {
            int tagEnd = i + 1;
            while (tagEnd < n && isIdentifierPart(utf8[tagEnd]) && utf8[tagEnd] != '$') {
                tagEnd++;
            }
            if (tagEnd < n && utf8[tagEnd] == '$') {
                return endOfDollarQuoted(i, tagEnd + 1);
            }
        }
        if (isIdentifierPart(c) || c == '$') {
            int j = i + 1;
            while (j < n && (isIdentifierPart(utf8[j]) || utf8[j] == '$' || (utf8[j] == '.' && isDigit(c)))) {
                j++;
            }
            // E'…', U&'…', B'…' and X'…' are one token with their quote
            if (j < n && utf8[j] == '\'' && j - i == 1) {
                return endOfQuoted(j, (byte) '\'', c == 'e' || c == 'E');
            }
            return j;
        }
        return i + 1;
    }

    private int endOfQuoted(int start, byte quote, boolean backslashes) {
        int n = utf8.length;
        int i = start + 1;
        while (i < n) {
            if (backslashes && utf8[i] == '\\') {
                i += 2;
            } else if (utf8[i] == quote) {
                if (i + 1 < n && utf8[i + 1] == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    private int endOfDollarQuoted(int start, int bodyStart) {
        byte[] tag = java.util.Arrays.copyOfRange(utf8, start, bodyStart);
        for (int i = bodyStart; i + tag.length <= utf8.length; i++) {
            if (java.util.Arrays.equals(utf8, i, i + tag.length, tag, 0, tag.length)) {
                return i + tag.length;
            }
        }
        return utf8.length;
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
