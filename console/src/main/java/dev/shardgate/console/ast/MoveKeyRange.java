package dev.shardgate.console.ast;

/** {@code MOVE KEY RANGE id TO shard}: metadata only, the data is expected to be there already. */
public record MoveKeyRange(String id, String shard) implements ConsoleStatement {
}
