package dev.shardgate.console.ast;

import java.util.OptionalInt;

/**
 * {@code REDISTRIBUTE KEY RANGE id TO shard [BATCH SIZE n] [TASK GROUP tg] [CHECK | APPLY] [NOWAIT]}:
 * moves the data and then the metadata.
 *
 * @param batchSize rows per move task, empty for the executor's default; always positive
 * @param checkOnly validate without moving anything ({@code CHECK})
 * @param noWait return once the task group is started instead of when it finishes
 * @param taskGroup the id the task group gets (SPQR's TASK GROUP); empty for the next number
 */
public record RedistributeKeyRange(String id, String shard, OptionalInt batchSize, boolean checkOnly,
                                   boolean noWait, java.util.Optional<String> taskGroup) implements ConsoleStatement {
    public RedistributeKeyRange(String id, String shard, OptionalInt batchSize, boolean checkOnly, boolean noWait) {
        this(id, shard, batchSize, checkOnly, noWait, java.util.Optional.empty());
    }
}
