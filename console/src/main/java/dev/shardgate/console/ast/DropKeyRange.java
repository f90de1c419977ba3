package dev.shardgate.console.ast;

/** {@code DROP KEY RANGE id}. */
public record DropKeyRange(String id) implements ConsoleStatement {
}
