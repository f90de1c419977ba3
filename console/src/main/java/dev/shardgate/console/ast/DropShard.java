package dev.shardgate.console.ast;

/** {@code DROP SHARD id}. */
public record DropShard(String id) implements ConsoleStatement {
}
