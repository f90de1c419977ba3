package dev.shardgate.router.copy;

import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.SqlLexer;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code COPY table [(columns)] FROM STDIN | TO STDOUT [options]} statement, with the options that
 * decide where its rows begin and end and how a field reads (PostgreSQL documentation, "COPY").
 * Both the parenthesized option list and the pre-9.0 keyword form are read, with every option
 * PostgreSQL 15 accepts; the statement goes to the shards as the client wrote it, so they apply all
 * options and check them as PostgreSQL does (an option the router does not know included).
 *
 * @param columns      the column list, empty when the statement names none
 * @param from         true for COPY FROM STDIN, false for COPY TO STDOUT
 * @param nullText     how NULL is written: {@code \N} in text format, the empty string in CSV
 * @param forceNull    FORCE_NULL columns: a quoted field equal to the NULL string is NULL there
 * @param forceNotNull FORCE_NOT_NULL columns: a field equal to the NULL string is that string there
 * @param encoding     the ENCODING option: the data's encoding when not the client's; null when not given
 */
public record CopyCommand(QualifiedName table, List<String> columns, boolean from, Format format, byte delimiter,
                          byte quote, byte escape, String nullText, boolean header, List<String> forceNull,
                          List<String> forceNotNull, String encoding) {

    public enum Format { TEXT, CSV, BINARY }

    /**
     * {@code COPY (query) TO …}: the query's text, and the options when it goes TO STDOUT (null when it
     * goes to a file or program).
     */
    public record OfQuery(String query, CopyCommand toStdout) {
    }

    /** The COPY of a query, or null when the statement is not one (or its parentheses do not close). */
    public static OfQuery parseQuery(String sql) {
        List<String> tokens = SqlTokens.of(sql);
        if (tokens.size() < 2 || !tokens.get(0).equalsIgnoreCase("copy") || !tokens.get(1).equals("(")) {
            return null;
        }
        int open = sql.indexOf('(', sql.toLowerCase(Locale.ROOT).indexOf("copy"));
        int close = closingParenthesis(sql, open);
        if (close < 0) {
            return null;
        }
        String query = sql.substring(open + 1, close).strip();
        CopyCommand options;
        try {
            options = parse("COPY copied_query " + sql.substring(close + 1));
        } catch (PgException e) {
            options = null;
        }
        return new OfQuery(query, options == null || options.from() ? null : options);
    }

    /** Where the parenthesis at {@code open} closes, past strings, quoted names, dollar quotes and comments; -1 if it does not. */
    private static int closingParenthesis(String sql, int open) {
        int depth = 0;
        int i = open;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) {
                    end = sql.indexOf(c, end + 2);
                }
                if (end < 0) {
                    return -1;
                }
                i = end + 1;
            } else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? null : sql.substring(i, tagEnd + 1);
                if (tag == null || !tag.chars().skip(1).limit(tag.length() - 2).allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')
                        || (tag.length() > 2 && Character.isDigit(tag.charAt(1)))) {
                    i++; // $1, a parameter
                    continue;
                }
                int end = sql.indexOf(tag, tagEnd + 1);
                if (end < 0) {
                    return -1;
                }
                i = end + tag.length();
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = SqlLexer.lineCommentEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = SqlLexer.orLength(sql, SqlLexer.blockCommentEnd(sql, i));
            } else {
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return i;
                }
                i++;
            }
        }
        return -1;
    }

    /** The COPY statement, or null when it is not a COPY of a table from STDIN or to STDOUT (a query, a file, a program). */
    public static CopyCommand parse(String sql) {
        List<String> tokens = SqlTokens.of(sql);
        Cursor c = new Cursor(tokens);
        if (!c.takeWord("copy")) {
            return null;
        }
        if (c.peekIs("(")) {
            return null; // COPY (query) TO …
        }
        String first = c.identifier();
        String schema = null;
        String name = first;
        if (c.take(".")) {
            schema = first;
            name = c.identifier();
        }
        List<String> columns = new ArrayList<>();
        if (c.take("(")) {
            do {
                columns.add(c.identifier());
            } while (c.take(","));
            c.expect(")");
        }
        boolean from;
        if (c.takeWord("from")) {
            from = true;
            if (!c.takeWord("stdin")) {
                return null;
            }
        } else if (c.takeWord("to")) {
            from = false;
            if (!c.takeWord("stdout")) {
                return null;
            }
        } else {
            return null;
        }
        Options options = new Options();
        c.takeWord("with");
        if (c.take("(")) {
            // copy_generic_opt_list: name [ value | * | ( value, … ) ]
            do {
                String option = c.word();
                if (c.take("(")) {
                    List<String> names = new ArrayList<>();
                    do {
                        names.add(c.identifier());
                    } while (c.take(","));
                    c.expect(")");
                    options.setColumns(option, names);
                } else if (c.take("*")) {
                    options.setColumns(option, List.of("*"));
                } else {
                    options.set(option, c.peekIs(",") || c.peekIs(")") ? null : c.value());
                }
            } while (c.take(","));
            c.expect(")");
        } else {
            // the keyword form (copy_opt_item), still accepted by PostgreSQL
            while (c.more() && !c.peekIs(";")) {
                String option = c.word();
                switch (option) {
                    case "binary", "csv" -> options.set("format", option);
                    case "header", "freeze" -> options.set(option, null);
                    case "delimiter", "null", "quote", "escape", "encoding" -> {
                        c.takeWord("as");
                        options.set(option, c.value());
                    }
                    case "force" -> {
                        String what = c.word();
                        if (what.equals("not")) {
                            c.expectWord("null");
                            what = "not_null";
                        }
                        List<String> names = new ArrayList<>();
                        if (what.equals("quote") && c.take("*")) {
                            names.add("*");
                        } else {
                            do {
                                names.add(c.identifier());
                            } while (c.take(","));
                        }
                        options.setColumns("force_" + what, names);
                    }
                    default -> throw new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + option + "\"");
                }
            }
        }
        return options.command(new QualifiedName(schema, name), columns, from);
    }

    /** The options as given, with PostgreSQL's defaults for what is not given. */
    private static final class Options {
        private Format format = Format.TEXT;
        private String delimiter;
        private String quote;
        private String escape;
        private String nullText;
        private boolean header;
        private List<String> forceNull = List.of();
        private List<String> forceNotNull = List.of();
        private String encoding;

        /** FORCE_NULL, FORCE_NOT_NULL and FORCE_QUOTE (for COPY TO; the shards apply it) take columns. */
        void setColumns(String option, List<String> names) {
            switch (option) {
                case "force_null" -> forceNull = List.copyOf(names);
                case "force_not_null" -> forceNotNull = List.copyOf(names);
                default -> { } // force_quote, and anything else the shard judges
            }
        }

        void set(String option, String value) {
            switch (option) {
                case "format" -> format = switch (String.valueOf(value).toLowerCase(Locale.ROOT)) {
                    case "text" -> Format.TEXT;
                    case "csv" -> Format.CSV;
                    case "binary" -> Format.BINARY;
                    default -> throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "COPY format \"" + value + "\" not recognized");
                };
                case "header" -> header = value == null || !(value.equalsIgnoreCase("false") || value.equals("0")
                        || value.equalsIgnoreCase("off"));
                case "delimiter" -> delimiter = value;
                case "quote" -> quote = value;
                case "escape" -> escape = value;
                case "null" -> nullText = value;
                case "encoding" -> encoding = value;
                default -> { } // FREEZE, DEFAULT, ON_ERROR, …: the shards apply them, or refuse them as PostgreSQL does
            }
        }

        CopyCommand command(QualifiedName table, List<String> columns, boolean from) {
            boolean csv = format == Format.CSV;
            byte d = oneByte("DELIMITER", delimiter, csv ? ',' : '\t');
            byte q = oneByte("QUOTE", quote, '"');
            byte e = oneByte("ESCAPE", escape, q);
            return new CopyCommand(table, List.copyOf(columns), from, format, d, q, e,
                    nullText != null ? nullText : csv ? "" : "\\N", header, forceNull, forceNotNull, encoding);
        }

        private static byte oneByte(String option, String value, int fallback) {
            if (value == null) {
                return (byte) fallback;
            }
            if (value.length() != 1 || value.charAt(0) > 127) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY " + option + " must be a single one-byte character");
            }
            return (byte) value.charAt(0);
        }
    }

    private static final class Cursor {
        private final List<String> tokens;
        private int i;

        Cursor(List<String> tokens) {
            this.tokens = tokens;
        }

        boolean more() {
            return i < tokens.size();
        }

        String peek() {
            return more() ? tokens.get(i) : "";
        }

        boolean peekIs(String token) {
            return peek().equals(token);
        }

        String next() {
            if (!more()) {
                throw new PgException(SqlState.SYNTAX_ERROR, "COPY statement ends too early");
            }
            return tokens.get(i++);
        }

        boolean take(String token) {
            if (peekIs(token)) {
                i++;
                return true;
            }
            return false;
        }

        boolean takeWord(String word) {
            if (peek().equalsIgnoreCase(word)) {
                i++;
                return true;
            }
            return false;
        }

        void expectWord(String word) {
            if (!takeWord(word)) {
                throw new PgException(SqlState.SYNTAX_ERROR, "syntax error in COPY at \"" + peek() + "\"");
            }
        }

        void expect(String token) {
            if (!take(token)) {
                throw new PgException(SqlState.SYNTAX_ERROR, "syntax error in COPY at \"" + peek() + "\"");
            }
        }

        String word() {
            return next().toLowerCase(Locale.ROOT);
        }

        /** A name: "Quoted" keeps its case, a bare one is folded to lower case. */
        String identifier() {
            String token = next();
            return token.startsWith("\"") ? token.substring(1, token.length() - 1).replace("\"\"", "\"")
                    : token.toLowerCase(Locale.ROOT);
        }

        /** An option value: a string constant's text, or a bare word or number. */
        String value() {
            String token = next();
            return token.startsWith("'") ? SqlTokens.stringValue(token) : token;
        }
    }
}
