package dev.shardgate.console.ast;

/** {@code DROP DISTRIBUTION id [CASCADE]}. */
public record DropDistribution(String id, boolean cascade) implements ConsoleStatement {
}
