package dev.shardgate.console.ast;

/** {@code RETRY TASK GROUP ALL}: every failed task group runs again, one after another. */
public record RetryAllTaskGroups() implements ConsoleStatement {
}
