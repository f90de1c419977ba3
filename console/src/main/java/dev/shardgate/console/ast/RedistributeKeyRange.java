package dev.shardgate.console.ast;

import java.util.OptionalInt;

/**
 * {@code REDISTRIBUTE KEY RANGE id TO shard [BATCH SIZE n] [CHECK | APPLY] [NOWAIT]}: moves the
 * data and then the metadata.
 *
 * @param batchSize rows per move task, empty for the executor's default; always positive
 * @param checkOnly validate without moving anything ({@code CHECK})
 * @param noWait return once the task group is started instead of when it finishes
 */
public record RedistributeKeyRange(String id, String shard, OptionalInt batchSize, boolean checkOnly,
                                   boolean noWait) implements ConsoleStatement {
}
