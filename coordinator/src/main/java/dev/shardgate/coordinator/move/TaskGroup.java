package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import java.util.List;
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
 * @param batchRows    the current batch's rows, as COPY counted them
 * @param stopRequested STOP TASK GROUP: end at the next batch boundary
 * @param deleteTransaction the source's transaction id of the current batch's COPY (which deletes the
 *                     rows it streams), recorded just before it commits, 0 before: a COPY resumed
 *                     after a crash asks the source whether that transaction committed
 * @param batchLockMillis 0 for batches of {@code batchSize} rows; otherwise each PLAN after the first
 *                     batch sizes the next from the last one's rows and lock time, to keep the lock
 *                     about this long, and {@code batchSize} is the current batch's rows
 */
public record TaskGroup(String id, String keyRangeId, String distributionId, String sourceShard,
                        String destinationShard, int batchSize, TaskState state, String error,
                        Optional<String> movedId, String restId, int batchNumber, MoveStep step,
                        Optional<List<String>> batchBound, Optional<String> nextRestId,
                        long rowsMoved, int batchesDone, long lastLockMillis, long lockStartedMillis,
                        long batchRows, boolean stopRequested, long deleteTransaction, long batchLockMillis) {
    /** Bounds of a batch sized by time: fewer rows would be all fixed cost, more one huge transaction. */
    private static final int MIN_TIMED_BATCH = 500;
    private static final int MAX_TIMED_BATCH = 10_000_000;

    public TaskGroup {
        Objects.requireNonNull(id);
        Objects.requireNonNull(state);
        Objects.requireNonNull(step);
        error = error == null ? "" : error;
        batchBound = batchBound.map(List::copyOf);
    }

    /** A new group about to plan its first batch. */
    static TaskGroup planned(String id, String keyRangeId, String distributionId, String sourceShard,
                             String destinationShard, int batchSize) {
        return planned(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, 0);
    }

    /** A new group whose batches after the first are sized to hold their lock about {@code batchLockMillis}. */
    static TaskGroup planned(String id, String keyRangeId, String distributionId, String sourceShard,
                             String destinationShard, int batchSize, long batchLockMillis) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize,
                TaskState.PLANNED, "", Optional.empty(), keyRangeId, 1, MoveStep.PLAN, Optional.empty(),
                Optional.empty(), 0, 0, 0, 0, 0, false, 0, batchLockMillis);
    }

    /** The range the current batch moves: the rest, whose low end is split off. */
    String batchRangeId() {
        return restId;
    }

    TaskGroup at(MoveStep newStep) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, newStep, batchBound, nextRestId, rowsMoved, batchesDone, lastLockMillis,
                lockStartedMillis, batchRows, stopRequested, deleteTransaction, batchLockMillis);
    }

    TaskGroup inState(TaskState newState, String newError) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, newState,
                newError, movedId, restId, batchNumber, step, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockStartedMillis, batchRows, stopRequested, deleteTransaction, batchLockMillis);
    }

    TaskGroup withStopRequested() {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, step, batchBound, nextRestId, rowsMoved, batchesDone, lastLockMillis,
                lockStartedMillis, batchRows, true, deleteTransaction, batchLockMillis);
    }

    /** PLAN done: the batch of {@code rows} rows ends before {@code bound}, or takes the whole rest when empty. */
    TaskGroup planned(Optional<KeyBound> bound, int rows) {
        Optional<String> next = bound.map(b -> keyRangeId + "_" + id + "_" + (batchNumber + 1));
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, rows, state, error,
                movedId, restId, batchNumber, MoveStep.SPLIT, bound.map(KeyBound::texts), next, rowsMoved,
                batchesDone, lastLockMillis, lockStartedMillis, batchRows, stopRequested, deleteTransaction, batchLockMillis);
    }

    /** SPLIT done; {@code lockedMillis} when it also locked the batch, 0 when it did not (LOCK will). */
    TaskGroup split(long lockedMillis) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.LOCK, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockedMillis == 0 ? lockStartedMillis : lockedMillis, batchRows, stopRequested,
                deleteTransaction, batchLockMillis);
    }

    TaskGroup locked(long startedMillis) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.COPY, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, startedMillis, batchRows, stopRequested, deleteTransaction, batchLockMillis);
    }

    /** MOVE done: the batch joined the moved part; the next batch starts from the new rest. */
    TaskGroup batchDone(long rows, long lockMillis) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                Optional.of(movedId.orElse(restId)), nextRestId.orElse(restId), batchNumber + 1, MoveStep.PLAN,
                Optional.empty(), Optional.empty(), rowsMoved + rows, batchesDone + 1, lockMillis, 0, 0, stopRequested, 0, batchLockMillis);
    }

    /**
     * COPY checked the batch's {@code rows} rows on both shards and committed them on the
     * destination; its source transaction {@code transaction}, which deleted them, is about to commit.
     */
    TaskGroup moving(long transaction, long rows) {
        return new TaskGroup(id, keyRangeId, distributionId, sourceShard, destinationShard, batchSize, state, error,
                movedId, restId, batchNumber, MoveStep.COPY, batchBound, nextRestId, rowsMoved, batchesDone,
                lastLockMillis, lockStartedMillis, rows, stopRequested, transaction, batchLockMillis);
    }

    /**
     * The next batch's rows: the group's batch size, or for a group sized by time the last batch's
     * rows scaled to the lock time wanted (a range batch's lock time is nearly proportional to its
     * rows: the lock's fixed part, 10–50 ms, only makes the estimate smaller), at most 8 times the
     * last batch's rows, so that one batch that ran unusually fast does not make the next one huge,
     * and at least half of them, so that a load spike does not cut the batches to a few hundred rows.
     * A batch of a {@code hashed} distribution scans the whole relation whatever its rows: a lock
     * longer than wanted does not shrink with them (halving took a 2-million-row move down to 500-row
     * batches of 650 ms each), so such a batch never shrinks, and grows only while its lock is short.
     */
    int nextBatchRows(boolean hashed) {
        if (!isSizedByTime() || batchesDone == 0 || lastLockMillis <= 0) {
            return batchSize;
        }
        double scaled = (double) batchSize * batchLockMillis / lastLockMillis;
        double bounded = Math.max(hashed ? batchSize : batchSize / 2.0, Math.min(scaled, 8.0 * batchSize));
        return (int) Math.max(MIN_TIMED_BATCH, Math.min(bounded, MAX_TIMED_BATCH));
    }

    /** Whether batches are sized by their lock time rather than a fixed count. */
    boolean isSizedByTime() {
        return batchLockMillis > 0;
    }

    /** Whether the batch that just finished was the last one. */
    boolean isLastBatch() {
        return nextRestId.isEmpty();
    }
}
