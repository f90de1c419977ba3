package dev.shardgate.console.ast;

/** {@code STOP TASK GROUP ALL}. */
public record StopAllTaskGroups() implements ConsoleStatement {
}
