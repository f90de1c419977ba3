package dev.shardgate.cli.postgres;

/** Quoting of names and values spliced into SQL text (Lexical Structure, 4.1.1 and 4.1.2.1). */
final class SqlText {
    private SqlText() {
    }

    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A standard string literal; standard_conforming_strings is on, so backslashes are plain. */
    static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }
}
