package dev.shardgate.console.ast;

/** {@code LOCK KEY RANGE id}. */
public record LockKeyRange(String id) implements ConsoleStatement {
}
