package dev.shardgate.console.ast;

/** {@code UNITE KEY RANGE keyRange WITH absorbed}: {@code keyRange} grows to cover {@code absorbed}. */
public record UniteKeyRange(String keyRange, String absorbed) implements ConsoleStatement {
}
