package dev.shardgate.console.ast;

/** {@code STOP TASK GROUP id}; the id may be written as a name, a number or a string. */
public record StopTaskGroup(String id) implements ConsoleStatement {
}
