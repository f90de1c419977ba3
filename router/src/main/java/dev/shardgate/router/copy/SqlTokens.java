package dev.shardgate.router.copy;

import dev.shardgate.sql.SqlLexer;

import java.util.ArrayList;
import java.util.List;

/** The tokens of a short SQL statement: words, "quoted identifiers", 'strings' (E'…' too), punctuation. */
final class SqlTokens {
    private SqlTokens() {
    }

    static List<String> of(String sql) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = SqlLexer.lineCommentEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = SqlLexer.orLength(sql, SqlLexer.blockCommentEnd(sql, i));
            } else if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'')) {
                boolean escapes = c != '\'';
                int start = i;
                i = escapes ? i + 2 : i + 1;
                while (i < n) {
                    char d = sql.charAt(i);
                    if (escapes && d == '\\') {
                        i += 2;
                    } else if (d == '\'' && i + 1 < n && sql.charAt(i + 1) == '\'') {
                        i += 2;
                    } else if (d == '\'') {
                        i++;
                        break;
                    } else {
                        i++;
                    }
                }
                tokens.add(sql.substring(start, Math.min(i, n)));
            } else if (c == '"') {
                int start = i++;
                while (i < n && !(sql.charAt(i) == '"' && (i + 1 >= n || sql.charAt(i + 1) != '"'))) {
                    i += sql.charAt(i) == '"' ? 2 : 1;
                }
                i = Math.min(i + 1, n);
                tokens.add(sql.substring(start, i));
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(sql.substring(start, i));
            } else {
                tokens.add(String.valueOf(c));
                i++;
            }
        }
        return tokens;
    }

    /** The text of a string constant token: quotes removed, '' and (in E'…') backslash escapes read. */
    static String stringValue(String token) {
        boolean escapes = token.charAt(0) != '\'';
        String body = token.substring(escapes ? 2 : 1, token.length() - 1).replace("''", "'");
        if (!escapes) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char e = body.charAt(++i);
                out.append(switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    default -> e;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
