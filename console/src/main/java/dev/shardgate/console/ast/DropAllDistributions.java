package dev.shardgate.console.ast;

/** {@code DROP DISTRIBUTION ALL [CASCADE]}. */
public record DropAllDistributions(boolean cascade) implements ConsoleStatement {
}
