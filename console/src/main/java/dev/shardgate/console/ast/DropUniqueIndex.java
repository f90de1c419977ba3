package dev.shardgate.console.ast;

/** {@code DROP UNIQUE INDEX id}. */
public record DropUniqueIndex(String id) implements ConsoleStatement {
}
