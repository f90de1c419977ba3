package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One REDISTRIBUTE KEY RANGE as stored in the QDB's key-value area: what moves where, how far it
 * got and the step it is about to run. The moved part keeps the range's id on the destination; the
 * part still on the source is {@code restId}, which starts as the range itself.
 *
 * @param movedId      the range already on the destination, empty before the first batch ends
 * @param restId       the range still on the source; the current batch is split off its low end
 * @param batchBound   the current batch's upper bound as texts, empty when the batch is the whole rest
 * @param nextRestId   the id the rest takes once the batch is split off; empty for the last batch
 * @param lockStartedMillis when the current batch's lock was taken, 0 before
 * @param batchRows    the current batch's rows, as DELETE counted them
 * @param stopRequested STOP TASK GROUP: end at the next batch boundary
 * @param copied       per relation, the rows COPY streamed from the source for the current batch
 *                     (empty before COPY ran, or when a version that did not count them ran it)
 * @param deleteTransaction the source's transaction id of the current batch's DELETE, recorded just
 *                     before it commits (0 before): a resumed DELETE asks the source whether it did
 */
public record TaskGroup(String id, String keyRangeId, String distributionId, String sourceShard,
                        String destinationShard, int batchSize, TaskState state, String error,
                        Optional<String> movedId, String restId, int batchNumber, MoveStep step,
                        Optional<List<String>> batchBound, Optional<String> nextRestId,
                        long rowsMoved, int batchesDone, long lastLockMillis, long lockStartedMillis,
                        long batchRows, boolean stopRequested, Optional<Map<String, BatchContent>> copied,
                        long deleteTransaction) {

    public TaskGroup {
        Objects.requireNonNull(id);
        Objects.requireNonNull(state);
        Objects.requireNonNull(step);
        error = error == null ? "" : error;
        batchBound = batchBound.map(List::copyOf);
        copied = copied.map(Map::copyOf);
    }

    /** A new group about to plan its first batch. */
    static TaskGroup planned(String id, String keyRangeId, String distributionId, String sourceShard,
                             String destinationShard, int batchSize) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize,
                TaskState.PLANNED, "", Optional.empty(), keyRangeId, 1, MoveStep.PLAN, Optional.empty(),
                Optional.empty(), 0, 0, 0, 0, 0, false, Optional.empty(), 0);
    }

    /** The range the current batch moves: the rest, whose low end is split off. */
    String batchRangeId() {
        return restId;
    }

    TaskGroup at(MoveStep newStep) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, newStep, batchBound, nextRestId, rowsMoved, batchesDone, lastLockMillis,
                lockStartedMillis, batchRows, stopRequested, copied, deleteTransaction);
    }

    TaskGroup inState(TaskState newState, String newError) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, newState,
                newError, movedId, restId, batchNumber, step, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockStartedMillis, batchRows, stopRequested, copied, deleteTransaction);
    }

    TaskGroup withStopRequested() {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, step, batchBound, nextRestId, rowsMoved, batchesDone, lastLockMillis,
                lockStartedMillis, batchRows, true, copied, deleteTransaction);
    }

    /** PLAN done: the batch ends before {@code bound}, or takes the whole rest when empty. */
    TaskGroup planned(Optional<KeyBound> bound) {
        Optional<String> next = bound.map(b -> keyRangeId + "_" + id + "_" + (batchNumber + 1));
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.SPLIT, bound.map(KeyBound::texts), next, rowsMoved,
                batchesDone, lastLockMillis, lockStartedMillis, batchRows, stopRequested, copied, deleteTransaction);
    }

    TaskGroup locked(long startedMillis) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.COPY, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, startedMillis, batchRows, stopRequested, copied, deleteTransaction);
    }

    /** MOVE done: the batch joined the moved part; the next batch starts from the new rest. */
    TaskGroup batchDone(long rows, long lockMillis) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                Optional.of(movedId.orElse(restId)), nextRestId.orElse(restId), batchNumber + 1, MoveStep.PLAN,
                Optional.empty(), Optional.empty(), rowsMoved + rows, batchesDone + 1, lockMillis, 0, 0, stopRequested,
                Optional.empty(), 0);
    }

    /** COPY done: it streamed {@code content} per relation; DELETE comes next. */
    TaskGroup copied(Map<String, BatchContent> content) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.DELETE, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockStartedMillis, batchRows, stopRequested, Optional.of(content), 0);
    }

    /**
     * The DELETE of the batch's {@code rows} rows, checked, about to commit in the source's
     * transaction {@code transaction}.
     */
    TaskGroup deleting(long transaction, long rows) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.DELETE, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockStartedMillis, rows, stopRequested, copied, transaction);
    }

    /** Back to COPY: the rows on the two shards differ, the batch is copied again. */
    TaskGroup copyAgain() {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.COPY, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockStartedMillis, batchRows, stopRequested, Optional.empty(), 0);
    }

    /** Whether the batch that just finished was the last one. */
    boolean isLastBatch() {
        return nextRestId.isEmpty();
    }
}
