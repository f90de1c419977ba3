package dev.shardgate.coordinator.move;

import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task group's batches from the step it recorded, until the range has moved, STOP ends
 * it at a batch boundary, or a step fails (the group is then stored in state ERROR, its batch
 * still locked, for RETRY). Every step is recorded before it runs and can run again.
 */
final class Redistribution {
    private static final Logger log = LoggerFactory.getLogger(Redistribution.class);
    /** How long a lock waits for the routers to hold it before the move goes on without the slow ones. */
    static final Duration ROUTER_ACK_WAIT = Duration.ofSeconds(5);
    /** How long a lock waits for transactions older than it on the source before the batch fails. */
    static final Duration OLD_TRANSACTIONS_WAIT = Duration.ofSeconds(30);
    private static final int COPY_ATTEMPTS = 3;
    /**
     * A first batch sized by time moves this much of its relation: a few hundred ms of copying on a
     * development machine (40–100 MB/s through the coordinator), before the next batch is sized by it.
     */
    private static final double FIRST_TIMED_BATCH_BYTES = 8 << 20;

    /** How a run ended when it did not fail. */
    enum Outcome { FINISHED, STOPPED, INTERRUPTED }

    private final Qdb qdb;
    private final TaskGroupStore store;
    private final ShardData shards;
    private final RouterFleet fleet;
    /** True when the coordinator closes or stands by: end between steps, recording nothing. */
    private final BooleanSupplier leaving;
    private TaskGroup group;
    private int copyAttempts;
    private final MoveMetrics metrics;
    private final MoveStats stats;
    /** True once STOP TASK GROUP … IMMEDIATE asked this run to end before its next step. */
    private final BooleanSupplier halted;
    /** This run's shard sessions, kept from step to step; closed when the run ends, however it ends. */
    private final ShardSessions sessions;

    Redistribution(Qdb qdb, TaskGroupStore store, ShardData shards, RouterFleet fleet, BooleanSupplier leaving,
                   TaskGroup group, MoveMetrics metrics, MoveStats stats, BooleanSupplier halted) {
        this.halted = halted;
        this.metrics = metrics;
        this.stats = stats;
        this.qdb = qdb;
        this.store = store;
        this.shards = shards;
        this.fleet = fleet;
        this.leaving = leaving;
        this.group = group;
        this.sessions = new ShardSessions(shards);
    }

    TaskGroup group() {
        return group;
    }

    /**
     * @throws PgException with the failed step's error, after storing the group in state ERROR
     */
    Outcome run() {
        group = save(group.inState(TaskState.RUNNING, ""));
        log.info("event=task_group_running task_group={} key_range={} from={} to={} batch={} step={}", group.id(),
                group.keyRangeId(), group.sourceShard(), group.destinationShard(), group.batchNumber(), group.step().label());
        long runStart = System.nanoTime();
        java.util.Map<MoveStep, Long> stepNanos = new java.util.EnumMap<>(MoveStep.class);
        try {
            while (true) {
                if (leaving.getAsBoolean()) {
                    return Outcome.INTERRUPTED;
                }
                MoveStep step = group.step();
                if (step == MoveStep.PLAN && group.stopRequested()) {
                    store.remove(group.id());
                    log.info("event=task_group_stopped task_group={} rows_moved={} batches_done={} rest={}", group.id(),
                            group.rowsMoved(), group.batchesDone(), group.restId());
                    return Outcome.STOPPED;
                }
                if (halted.getAsBoolean()) {
                    // as a failure at this step would leave it: RETRY goes on from here, STOP finishes the batch
                    group = save(group.inState(TaskState.ERROR, "stopped by STOP TASK GROUP IMMEDIATE before batch "
                            + group.batchNumber() + ", step " + step.label()));
                    log.info("event=task_group_halted task_group={} batch={} step={}", group.id(), group.batchNumber(),
                            step.label());
                    return Outcome.STOPPED;
                }
                FailPoint.check(step, group);
                long stepStart = System.nanoTime();
                boolean finished = runStep(step);
                long stepTime = System.nanoTime() - stepStart;
                stepNanos.merge(step, stepTime, Long::sum);
                if (log.isDebugEnabled()) {
                    log.debug("event=task_group_step task_group={} batch={} step={} ms={}", group.id(), group.batchNumber(),
                            step.label(), stepTime / 1_000_000);
                }
                if (finished) {
                    stats.runFinished(stepNanos, System.nanoTime() - runStart);
                    return Outcome.FINISHED;
                }
            }
        } catch (SQLException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("event=task_group_failed task_group={} batch={} step={} error=\"{}\"", group.id(),
                    group.batchNumber(), group.step().label(), message);
            group = save(group.inState(TaskState.ERROR, "batch " + group.batchNumber() + ", step "
                    + group.step().label() + ": " + message));
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "task group \"" + group.id() + "\" failed: "
                    + group.error()).withHint("Fix the cause, then RETRY TASK GROUP " + group.id() + " or STOP TASK GROUP "
                    + group.id() + ".");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.INTERRUPTED;
        } finally {
            sessions.close();
        }
    }

    /** Runs one step and records the next; true when the group is finished. */
    private boolean runStep(MoveStep step) throws SQLException, InterruptedException {
        Metadata metadata = qdb.snapshot();
        switch (step) {
            case PLAN -> {
                int rows = group.isSizedByTime() && group.batchesDone() == 0 ? firstTimedBatchRows(metadata)
                        : group.nextBatchRows(metadata.distribution(group.distributionId()).orElseThrow().isHashed());
                group = done(step, group.planned(planBatch(metadata, rows), rows));
            }
            case SPLIT -> {
                long lockedAt = 0;
                if (group.nextRestId().isPresent() && metadata.keyRange(group.nextRestId().get()).isEmpty()) {
                    KeyBound bound = bound(metadata, group.batchBound().orElseThrow());
                    // the batch's lock goes with its split: one metadata change for the routers to
                    // take and acknowledge rather than two; LOCK then finds it locked and waits
                    qdb.apply(List.of(new MetadataChange.SplitKeyRange(group.nextRestId().get(), group.restId(), bound),
                            new MetadataChange.LockKeyRange(group.batchRangeId())));
                    lockedAt = System.currentTimeMillis();
                }
                group = done(step, group.split(lockedAt));
            }
            case LOCK -> {
                if (!range(metadata, group.batchRangeId()).locked()) {
                    qdb.apply(new MetadataChange.LockKeyRange(group.batchRangeId()));
                }
                long lockedAt = System.currentTimeMillis();
                if (!fleet.awaitVersion(qdb.version(), ROUTER_ACK_WAIT)) {
                    log.warn("event=task_group_lock_not_seen task_group={} key_range={} wait_ms={}", group.id(),
                            group.batchRangeId(), ROUTER_ACK_WAIT.toMillis());
                }
                long acknowledgedAt = System.currentTimeMillis();
                if (!ShardData.awaitOlderTransactions(session(metadata, group.sourceShard()).connection(),
                        OLD_TRANSACTIONS_WAIT.toMillis())) {
                    throw new PgException(SqlState.LOCK_NOT_AVAILABLE, "transactions older than the lock of key range \""
                            + group.batchRangeId() + "\" are still open on shard \"" + group.sourceShard() + "\"");
                }
                if (log.isDebugEnabled()) {
                    log.debug("event=task_group_lock_parts task_group={} batch={} routers_ms={} older_transactions_ms={}",
                            group.id(), group.batchNumber(), acknowledgedAt - lockedAt,
                            System.currentTimeMillis() - acknowledgedAt);
                }
                group = done(step, group.locked(group.lockStartedMillis() == 0 ? lockedAt : group.lockStartedMillis()));
            }
            case COPY -> group = done(step, copy(metadata));
            // steps of earlier versions, found in a group one of them stored: VERIFY had not deleted
            // anything yet, so the batch is copied again; DELETE follows a VERIFY that passed
            case VERIFY -> group = done(step, group.at(MoveStep.COPY));
            case DELETE -> group = done(step, deleteVerified(metadata));
            case MOVE -> {
                return move(metadata);
            }
        }
        return false;
    }

    /**
     * Moves the batch's rows in one transaction on each shard. The source's runs in REPEATABLE
     * READ: it streams the rows into the destination's (counted and checksummed as they pass),
     * then deletes them in the same snapshot, so it deletes exactly the rows it streamed or fails
     * (40001) when one of them changed since; meanwhile the destination reads them back. Only when
     * the rows read back are the rows streamed, and the source deleted as many, does the
     * destination commit, then the source. Between the two commits both shards hold the batch,
     * which the routers still read on the source only. The source transaction's id is recorded
     * before its COMMIT, so a COPY resumed after a crash asks the source whether it committed
     * ({@code txid_status}): if so the batch has moved; if not, the destination's rows of the batch
     * are replaced by a new attempt.
     */
    private TaskGroup copy(Metadata metadata) throws SQLException, InterruptedException {
        ShardSessions.Session source = session(metadata, group.sourceShard());
        ShardSessions.Session destination = session(metadata, group.destinationShard());
        Connection from = source.connection();
        Connection to = destination.connection();
        if (group.deleteTransaction() != 0 && committed(from, group.deleteTransaction())) {
            log.info("event=task_group_copy_committed_before task_group={} batch={} transaction={}", group.id(),
                    group.batchNumber(), group.deleteTransaction());
            return group.at(MoveStep.MOVE);
        }
        long prepareStart = System.nanoTime();
        List<KeySpan> spans = new ArrayList<>();
        for (KeySpan span : batchSpans(metadata)) {
            if (ShardData.exists(from, span)) {
                spans.add(span);
            }
        }
        DestinationTables.prepare(metadata, shards, group.sourceShard(), from, group.destinationShard(), to, spans);
        List<String> sourceRows = new ArrayList<>();
        List<String> destinationRows = new ArrayList<>();
        List<List<String>> columns = new ArrayList<>();
        for (KeySpan span : spans) {
            // these may build key tables: outside the transactions
            sourceRows.add(source.hashes().rows(span));
            destinationRows.add(destination.hashes().rows(span));
            columns.add(ShardData.columns(from, span));
        }
        from.setAutoCommit(false);
        to.setAutoCommit(false);
        try {
            long transaction;
            try (Statement statement = from.createStatement()) {
                // one snapshot for the copy and the delete: the delete removes exactly the rows
                // copied, or fails (40001) when one of them changed since
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                try (ResultSet row = statement.executeQuery("SELECT txid_current()")) {
                    row.next();
                    transaction = row.getLong(1);
                }
            }
            long start = System.nanoTime();
            long prepareNanos = start - prepareStart;
            List<BatchContent> copied = new ArrayList<>();
            for (int i = 0; i < spans.size(); i++) {
                copied.add(ShardData.copy(from, sourceRows.get(i), to, destinationRows.get(i), spans.get(i), columns.get(i)));
                destination.hashes().copied(spans.get(i));
            }
            long streamNanos = System.nanoTime() - start;
            FutureTask<List<BatchContent>> readBack = new FutureTask<>(() -> {
                List<BatchContent> contents = new ArrayList<>();
                for (int i = 0; i < spans.size(); i++) {
                    contents.add(ShardData.read(to, spans.get(i), destinationRows.get(i), columns.get(i)));
                }
                return contents;
            });
            Thread.ofVirtual().name("verify-" + group.id()).start(readBack);
            List<Long> deleted = new ArrayList<>();
            boolean changed = false;
            try {
                for (int i = 0; i < spans.size(); i++) {
                    deleted.add(ShardData.delete(from, spans.get(i), sourceRows.get(i)));
                }
            } catch (SQLException e) {
                if (!"40001".equals(e.getSQLState())) {
                    throw e;
                }
                changed = true;
                log.warn("event=task_group_source_changed task_group={} batch={} error=\"{}\"", group.id(),
                        group.batchNumber(), e.getMessage());
            } finally {
                awaitQuietly(readBack); // the destination's session is free again before it is used
            }
            List<BatchContent> arrived = result(readBack);
            long readBackNanos = System.nanoTime() - start - streamNanos;
            boolean same = !changed;
            long rows = 0;
            for (int i = 0; i < spans.size() && same; i++) {
                rows += copied.get(i).rows();
                if (!arrived.get(i).equals(copied.get(i)) || deleted.get(i) != copied.get(i).rows()) {
                    log.warn("event=task_group_verify_mismatch task_group={} relation={} source={} deleted={} destination={}",
                            group.id(), spans.get(i).relation().name(), copied.get(i), deleted.get(i), arrived.get(i));
                    same = false;
                }
            }
            if (!same) {
                to.rollback();
                from.rollback();
                countFailedCopy("rows on shard \"" + group.destinationShard() + "\" differ from those deleted on shard \""
                        + group.sourceShard() + "\"");
                return group.at(MoveStep.COPY);
            }
            long commitStart = System.nanoTime();
            to.commit();
            FailPoint.checkInside(MoveStep.COPY, "destination-committed", group);
            group = save(group.moving(transaction, rows));
            FailPoint.checkInside(MoveStep.COPY, "commit", group);
            from.commit();
            if (log.isDebugEnabled()) {
                log.debug("event=task_group_copy_parts task_group={} batch={} prepare_ms={} stream_ms={} "
                                + "delete_and_read_back_ms={} commit_ms={}", group.id(), group.batchNumber(),
                        prepareNanos / 1_000_000, streamNanos / 1_000_000, readBackNanos / 1_000_000,
                        (System.nanoTime() - commitStart) / 1_000_000);
            }
        } catch (SQLException | RuntimeException e) {
            rollBack(to);
            rollBack(from);
            throw e;
        } finally {
            from.setAutoCommit(true);
            to.setAutoCommit(true);
        }
        return group.at(MoveStep.MOVE);
    }

    private static void awaitQuietly(FutureTask<?> task) throws InterruptedException {
        try {
            task.get();
        } catch (ExecutionException e) {
            // reported by result()
        }
    }

    private static <T> T result(FutureTask<T> task) throws SQLException, InterruptedException {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static void rollBack(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the session is gone: its transaction went with it
        }
    }

    /** DELETE of a group an earlier version copied and verified: unchecked, as that version did. */
    private TaskGroup deleteVerified(Metadata metadata) throws SQLException {
        ShardSessions.Session source = session(metadata, group.sourceShard());
        Connection connection = source.connection();
        List<KeySpan> spans = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        for (KeySpan span : batchSpans(metadata)) {
            if (ShardData.exists(connection, span)) {
                spans.add(span);
                conditions.add(source.hashes().rows(span));
            }
        }
        connection.setAutoCommit(false);
        try {
            for (int i = 0; i < spans.size(); i++) {
                ShardData.delete(connection, spans.get(i), conditions.get(i));
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
        return group.at(MoveStep.MOVE);
    }

    /** Another copy of the batch is due; after {@link #COPY_ATTEMPTS} the group fails instead. */
    private void countFailedCopy(String why) {
        if (++copyAttempts >= COPY_ATTEMPTS) {
            throw new PgException(SqlState.DATA_CORRUPTED, why + " after " + COPY_ATTEMPTS + " copies");
        }
    }

    /**
     * Whether the source's transaction {@code transaction} committed, by {@code txid_status}
     * (PostgreSQL "System Information Functions": made for a client that lost the answer to its
     * COMMIT). A transaction still in progress (its session not yet ended by the crash) is waited
     * for; one the shard does not know (a failover lost it: "in the future") did not commit.
     */
    private static boolean committed(Connection connection, long transaction) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + OLD_TRANSACTIONS_WAIT.toNanos();
        try (PreparedStatement statement = connection.prepareStatement("SELECT txid_status(?)")) {
            statement.setLong(1, transaction);
            while (true) {
                String status;
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    status = row.getString(1);
                } catch (SQLException e) {
                    if (SqlState.INVALID_PARAMETER_VALUE.code().equals(e.getSQLState())) {
                        return false;
                    }
                    throw e;
                }
                if (status == null) {
                    throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "the source no longer knows whether "
                            + "transaction " + transaction + " (this batch's delete) committed; compare the batch's rows "
                            + "on both shards by hand");
                }
                if (!status.equals("in progress")) {
                    return status.equals("committed");
                }
                if (System.nanoTime() > deadline) {
                    throw new PgException(SqlState.LOCK_NOT_AVAILABLE, "transaction " + transaction
                            + " (this batch's delete) is still in progress on the source");
                }
                Thread.sleep(100);
            }
        }
    }

    /** Points the batch at the destination, unlocks it and unites it with the moved part. */
    private boolean move(Metadata metadata) {
        String batch = group.batchRangeId();
        long rows = group.batchRows();
        List<MetadataChange> changes = new ArrayList<>();
        Optional<KeyRange> range = metadata.keyRange(batch);
        if (range.isPresent()) {
            if (!range.get().shardId().equals(group.destinationShard())) {
                changes.add(new MetadataChange.MoveKeyRange(batch, group.destinationShard()));
            }
            changes.add(new MetadataChange.UnlockKeyRange(batch));
            if (group.movedId().isPresent() && !group.movedId().get().equals(batch)) {
                changes.add(new MetadataChange.UniteKeyRanges(group.movedId().get(), batch));
            }
            qdb.apply(changes);
        }
        long lockMillis = group.lockStartedMillis() == 0 ? 0 : System.currentTimeMillis() - group.lockStartedMillis();
        boolean last = group.isLastBatch();
        FailPoint.checkDone(MoveStep.MOVE, group);
        group = group.batchDone(rows, lockMillis);
        metrics.batchMoved(group, rows, lockMillis);
        log.info("event=task_group_batch_moved task_group={} batch={} rows={} lock_ms={} rows_moved={} batches_done={}",
                group.id(), group.batchNumber() - 1, rows, lockMillis, group.rowsMoved(), group.batchesDone());
        if (last) {
            store.remove(group.id());
            log.info("event=task_group_finished task_group={} key_range={} to={} rows_moved={} batches_done={}", group.id(),
                    group.keyRangeId(), group.destinationShard(), group.rowsMoved(), group.batchesDone());
            return true;
        }
        group = save(group);
        return false;
    }

    /**
     * The first batch of a group sized by time, before any lock time was measured: the rows of
     * {@link #FIRST_TIMED_BATCH_BYTES} of the widest relation by its average row on disk
     * ({@code pg_class}'s pages and row estimate), so that it holds its lock about as long whatever
     * the rows' width; the group's batch size for a relation without statistics.
     */
    private int firstTimedBatchRows(Metadata metadata) throws SQLException {
        ShardSessions.Session source = session(metadata, group.sourceShard());
        double widest = 0;
        for (KeySpan span : spans(metadata, range(metadata, group.restId()))) {
            if (ShardData.exists(source.connection(), span)) {
                widest = Math.max(widest, ShardData.averageRowBytes(source.connection(), span).orElse(Double.MAX_VALUE));
            }
        }
        if (widest == 0 || widest == Double.MAX_VALUE) {
            return group.batchSize();
        }
        return (int) Math.max(1_000, Math.min(FIRST_TIMED_BATCH_BYTES / widest, 1_000_000));
    }

    /** The next batch's upper bound: the lowest over the relations, empty when the rest fits in one batch. */
    private Optional<KeyBound> planBatch(Metadata metadata, int rows) throws SQLException {
        KeyRange rest = range(metadata, group.restId());
        Optional<KeyBound> lowest = Optional.empty();
        ShardSessions.Session source = session(metadata, group.sourceShard());
        for (KeySpan span : spans(metadata, rest)) {
            if (!ShardData.exists(source.connection(), span)) {
                continue;
            }
            Optional<KeyBound> end = KeyHashes.applies(span) ? source.hashes().batchEnd(span, rows)
                    : ShardData.batchEnd(source.connection(), span, rows);
            if (end.isPresent() && end.get().compareTo(rest.lowerBound()) > 0
                    && (lowest.isEmpty() || end.get().compareTo(lowest.get()) < 0)) {
                lowest = end;
            }
        }
        return lowest;
    }

    private List<KeySpan> batchSpans(Metadata metadata) {
        return spans(metadata, range(metadata, group.batchRangeId()));
    }

    /** One span per relation of the distribution, over the keys of {@code range}. */
    static List<KeySpan> spans(Metadata metadata, KeyRange range) {
        var distribution = metadata.distribution(range.distributionId()).orElseThrow();
        Optional<KeyBound> upper = metadata.index(range.distributionId()).upperBound(range);
        List<KeySpan> spans = new ArrayList<>();
        for (DistributedRelation relation : metadata.relationsOf(range.distributionId())) {
            spans.add(new KeySpan(relation, distribution.columnTypes(), range.lowerBound(), upper));
        }
        return spans;
    }

    private KeyBound bound(Metadata metadata, List<String> texts) {
        return metadata.distribution(group.distributionId()).orElseThrow().parseBound(texts);
    }

    private static KeyRange range(Metadata metadata, String id) {
        return metadata.keyRange(id).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "key range \"" + id + "\" does not exist"));
    }

    private ShardSessions.Session session(Metadata metadata, String shardId) {
        return sessions.of(metadata.shard(shardId).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "shard \"" + shardId + "\" does not exist")), metadata.distribution(group.distributionId()).orElseThrow(() ->
                new PgException(SqlState.UNDEFINED_OBJECT, "distribution \"" + group.distributionId() + "\" does not exist")));
    }

    /** Records that {@code step} ran: the group is about to run the next step. */
    private TaskGroup done(MoveStep step, TaskGroup next) {
        FailPoint.checkDone(step, group);
        return save(next);
    }

    /** Stores the group, keeping a STOP that arrived meanwhile. */
    private TaskGroup save(TaskGroup next) {
        while (true) {
            Optional<byte[]> stored = store.raw(next.id());
            TaskGroup merged = stored.map(TaskGroupStore::decode).filter(TaskGroup::stopRequested).isPresent()
                    ? next.withStopRequested() : next;
            if (store.replace(stored.orElse(null), merged)) {
                return merged;
            }
        }
    }
}
