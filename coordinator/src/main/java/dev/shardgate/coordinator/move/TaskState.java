package dev.shardgate.coordinator.move;

/** What SHOW task_group says of a group; a group that finished is gone, not in a state. */
public enum TaskState {
    /** Stored, not started yet. */
    PLANNED,
    /** A coordinator is moving its batches, or will resume them when it starts. */
    RUNNING,
    /** A step failed; the group waits for RETRY or STOP TASK GROUP. */
    ERROR
}
