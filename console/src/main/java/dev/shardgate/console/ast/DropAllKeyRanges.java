package dev.shardgate.console.ast;

/** {@code DROP KEY RANGE ALL}. */
public record DropAllKeyRanges() implements ConsoleStatement {
}
