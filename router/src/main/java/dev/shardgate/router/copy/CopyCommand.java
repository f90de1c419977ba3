package dev.shardgate.router.copy;

import dev.shardgate.meta.QualifiedName;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code COPY table [(columns)] FROM STDIN | TO STDOUT [options]} statement, with the options that
 * decide where its rows begin and end and how a field reads (PostgreSQL documentation, "COPY").
 * Both the parenthesized option list and the pre-9.0 keyword form are read; options that do not
 * change the data's shape (ENCODING aside, which is refused) are left to the shards.
 *
 * @param columns the column list, empty when the statement names none
 * @param from true for COPY FROM STDIN, false for COPY TO STDOUT
 * @param nullText how NULL is written: {@code \N} in text format, the empty string in CSV
 */
public record CopyCommand(QualifiedName table, List<String> columns, boolean from, Format format, byte delimiter,
                          byte quote, byte escape, String nullText, boolean header) {

    public enum Format { TEXT, CSV, BINARY }

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
            do {
                String option = c.word();
                String value = c.peekIs(",") || c.peekIs(")") ? null : c.value();
                options.set(option, value);
            } while (c.take(","));
            c.expect(")");
        } else {
            while (c.more() && !c.peekIs(";")) {
                String option = c.word();
                switch (option) {
                    case "binary", "csv", "header", "freeze" -> options.set(option.equals("binary") || option.equals("csv") ? "format" : option,
                            option.equals("binary") || option.equals("csv") ? option : null);
                    case "delimiter", "null", "quote", "escape" -> {
                        c.takeWord("as");
                        options.set(option, c.value());
                    }
                    case "force" -> {
                        // FORCE QUOTE / FORCE NOT NULL col, …: the shards apply them
                        while (c.more() && !c.peekIs(";") && !isOldOption(c.peek())) {
                            c.next();
                        }
                    }
                    default -> throw new PgException(SqlState.SYNTAX_ERROR, "COPY option \"" + option + "\" is not understood by the router");
                }
            }
        }
        return options.command(new QualifiedName(schema, name), columns, from);
    }

    private static boolean isOldOption(String token) {
        return switch (token.toLowerCase(Locale.ROOT)) {
            case "binary", "csv", "header", "delimiter", "null", "quote", "escape", "force", "freeze" -> true;
            default -> false;
        };
    }

    /** The options as given, with PostgreSQL's defaults for what is not given. */
    private static final class Options {
        private Format format = Format.TEXT;
        private String delimiter;
        private String quote;
        private String escape;
        private String nullText;
        private boolean header;

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
                case "encoding" -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                        "COPY with ENCODING into a distributed relation is not supported: set client_encoding instead");
                default -> { } // FREEZE, FORCE_QUOTE, FORCE_NOT_NULL, FORCE_NULL, ON_ERROR, …: the shards apply them
            }
        }

        CopyCommand command(QualifiedName table, List<String> columns, boolean from) {
            boolean csv = format == Format.CSV;
            byte d = oneByte("DELIMITER", delimiter, csv ? ',' : '\t');
            byte q = oneByte("QUOTE", quote, '"');
            byte e = oneByte("ESCAPE", escape, q);
            return new CopyCommand(table, List.copyOf(columns), from, format, d, q, e,
                    nullText != null ? nullText : csv ? "" : "\\N", header);
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
