package dev.shardgate.console.ast;

/** {@code UNLOCK KEY RANGE id}. */
public record UnlockKeyRange(String id) implements ConsoleStatement {
}
