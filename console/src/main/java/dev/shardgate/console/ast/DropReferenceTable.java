package dev.shardgate.console.ast;

/** {@code DROP REFERENCE TABLE r}. */
public record DropReferenceTable(RelationName relation) implements ConsoleStatement {
}
