package dev.shardgate.console.ast;

/** {@code RENAME KEY RANGE id TO newId}. */
public record RenameKeyRange(String id, String newId) implements ConsoleStatement {
}
