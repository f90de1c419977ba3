package dev.shardgate.console.ast;

/** {@code CHECK DISTRIBUTION ds}: counts the rows each shard holds outside its key ranges; changes nothing. */
public record CheckDistribution(String id) implements ConsoleStatement {
}
