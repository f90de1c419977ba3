package dev.shardgate.console.ast;

/** {@code ALTER DISTRIBUTION ds DETACH RELATION r}. */
public record DetachRelation(String distribution, RelationName relation) implements ConsoleStatement {
}
