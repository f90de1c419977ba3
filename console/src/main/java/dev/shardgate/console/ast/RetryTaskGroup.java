package dev.shardgate.console.ast;

/** {@code RETRY TASK GROUP id}; the id may be written as a name, a number or a string. */
public record RetryTaskGroup(String id) implements ConsoleStatement {
}
