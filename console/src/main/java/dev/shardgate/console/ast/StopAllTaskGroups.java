package dev.shardgate.console.ast;

/** {@code STOP TASK GROUP ALL [IMMEDIATE]}: each group as {@link StopTaskGroup} stops it. */
public record StopAllTaskGroups(boolean immediate) implements ConsoleStatement {
    public StopAllTaskGroups() {
        this(false);
    }
}
