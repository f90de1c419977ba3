package dev.shardgate.console.ast;

/**
 * {@code SET name = value} or {@code SET name TO value}: a session parameter, as drivers send right
 * after connecting. The console has no session parameters; the executor accepts and ignores it.
 *
 * @param value the literal's text or the case-folded name, e.g. {@code 3}, {@code PostgreSQL JDBC Driver}
 */
public record SetParameter(String name, String value) implements ConsoleStatement {
}
