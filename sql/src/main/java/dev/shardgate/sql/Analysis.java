package dev.shardgate.sql;

import java.util.List;

/**
 * What a query string holds: its statements in order, or, when PostgreSQL's grammar rejects it,
 * the error message PostgreSQL would give and no statements.
 *
 * @param statements the statements, empty for an empty string or a parse error
 * @param parseError PostgreSQL's message (e.g. {@code syntax error at or near "FORM"}), or null when
 *     the text parsed
 */
public record Analysis(List<Statement> statements, String parseError) {
    public Analysis {
        statements = List.copyOf(statements);
    }

    static Analysis failed(String message) {
        return new Analysis(List.of(), message);
    }

    public boolean isParsed() {
        return parseError == null;
    }
}
