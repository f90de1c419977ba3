package dev.shardgate.coordinator.move;

import dev.shardgate.console.ast.RebalanceDistribution;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyRangeIndex;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REBALANCE DISTRIBUTION and SHOW rebalance: measures the distribution's key ranges
 * ({@link RangeMeasure}), plans splits and moves ({@link RebalancePlanner}), stores the plan
 * ({@link RebalanceStore}) and runs its steps one after another on a virtual thread: a split is
 * one metadata change, a move one task group of {@link DataMovement}, so STOP and RETRY TASK GROUP
 * apply to it. Each step is recorded before and after it runs and can run again, so the active
 * coordinator resumes a running plan where the last one stopped.
 */
final class Rebalancing {
    private static final Logger log = LoggerFactory.getLogger(Rebalancing.class);
    static final String SHOW_TARGET = "rebalance";
    private static final long POLL_MILLIS = 200;

    /** What the runner needs of the task groups. */
    interface Moves {
        /** Plans and starts a task group moving the range; returns its id. */
        String start(String keyRangeId, String shard);

        /** The id of a stored group moving {@code keyRangeId}, if one exists. */
        Optional<String> groupMoving(String keyRangeId);

        /**
         * Waits until the group is gone (finished or stopped). A failure is passed to {@code failed}
         * and the wait goes on: RETRY or STOP TASK GROUP ends it.
         *
         * @return false when the coordinator is leaving
         */
        boolean awaitGone(String groupId, java.util.function.Consumer<PgException> failed) throws InterruptedException;
    }

    private final Qdb qdb;
    private final RebalanceStore store;
    private final ShardData shards;
    private final Moves moves;
    private final BooleanSupplier leaving;
    private volatile CompletableFuture<RebalancePlan> running;

    Rebalancing(Qdb qdb, ShardData shards, Moves moves, BooleanSupplier leaving) {
        this.qdb = qdb;
        this.store = new RebalanceStore(qdb);
        this.shards = shards;
        this.moves = moves;
        this.leaving = leaving;
    }

    ConsoleResult show() {
        return new ConsoleResult.Rows(RebalancePlan.SHOW_COLUMNS, store.get().map(RebalancePlan::showRows).orElse(List.of()));
    }

    /** DRY RUN answers the plan; otherwise the plan runs and the answer comes when it finished. */
    ConsoleResult rebalance(RebalanceDistribution statement, List<TaskGroup> groups) {
        qdb.checkWritable();
        Metadata metadata = qdb.snapshot();
        Distribution distribution = metadata.distribution(statement.id()).orElseThrow(() -> new PgException(
                SqlState.UNDEFINED_OBJECT, "distribution \"" + statement.id() + "\" does not exist"));
        Optional<byte[]> stored = store.raw();
        if (!statement.dryRun()) {
            refuseWhileBusy(metadata, distribution, groups, stored.map(RebalanceStore::decode));
        }
        RebalancePlan plan = plan(metadata, distribution, statement);
        if (statement.dryRun() || plan.steps().isEmpty()) {
            return new ConsoleResult.Rows(RebalancePlan.COLUMNS, plan.rows());
        }
        if (!store.replace(stored.orElse(null), plan)) {
            throw new PgException(SqlState.OBJECT_IN_USE, "another REBALANCE started meanwhile; see SHOW rebalance");
        }
        CompletableFuture<RebalancePlan> done = start(plan);
        try {
            RebalancePlan finished = done.get();
            return new ConsoleResult.Rows(RebalancePlan.COLUMNS, finished.rows());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException(SqlState.QUERY_CANCELED, "stopped waiting for the rebalance; it goes on (SHOW rebalance)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgException pg) {
                throw pg;
            }
            throw new PgException(SqlState.INTERNAL_ERROR, String.valueOf(e.getCause()));
        }
    }

    /** The current or last plan, as SHOW rebalance shows it. */
    Optional<RebalancePlan> storedPlan() {
        return store.get();
    }

    /**
     * One round of the continuous balancer: refused as REBALANCE is while busy, planned as REBALANCE
     * plans, cut after the {@code maxMoves}-th MOVE, run, and waited for.
     *
     * @return the plan as it ran; without steps when every shard is within the threshold
     * @throws PgException 55006 when busy; the error of a failed step (its task group waits for RETRY or STOP)
     */
    RebalancePlan balanceRound(String distributionId, boolean byBytes, int thresholdPercent, int maxMoves,
                               List<TaskGroup> groups) throws InterruptedException {
        qdb.checkWritable();
        Metadata metadata = qdb.snapshot();
        Distribution distribution = metadata.distribution(distributionId).orElseThrow(() -> new PgException(
                SqlState.UNDEFINED_OBJECT, "distribution \"" + distributionId + "\" does not exist"));
        Optional<byte[]> stored = store.raw();
        refuseWhileBusy(metadata, distribution, groups, stored.map(RebalanceStore::decode));
        RebalancePlan plan = firstMoves(plan(metadata, distribution,
                new RebalanceDistribution(distributionId, byBytes, thresholdPercent, false)), maxMoves);
        if (plan.steps().isEmpty()) {
            return plan;
        }
        if (!store.replace(stored.orElse(null), plan)) {
            throw new PgException(SqlState.OBJECT_IN_USE, "another REBALANCE started meanwhile; see SHOW rebalance");
        }
        log.info("event=balancer_round_started distribution={} steps={} max_moves={}", distributionId, plan.steps().size(),
                maxMoves);
        try {
            return start(plan).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgException pg) {
                throw pg;
            }
            throw new PgException(SqlState.INTERNAL_ERROR, String.valueOf(e.getCause()));
        }
    }

    /** The steps up to the {@code maxMoves}-th MOVE: a SPLIT comes right before the MOVE of its new range. */
    static RebalancePlan firstMoves(RebalancePlan plan, int maxMoves) {
        int moves = 0;
        int end = 0;
        while (end < plan.steps().size() && moves < maxMoves) {
            if (plan.steps().get(end++).kind() == RebalanceStep.Kind.MOVE) {
                moves++;
            }
        }
        return new RebalancePlan(plan.distributionId(), plan.byBytes(), plan.thresholdPercent(), plan.state(), plan.error(),
                plan.steps().subList(0, end), plan.nextStep());
    }

    /** Starts the stored plan if it was running when the last active coordinator stopped. */
    void resume() {
        Optional<RebalancePlan> plan = store.get();
        if (plan.isPresent() && plan.get().isRunning() && (running == null || running.isDone())) {
            log.info("event=rebalance_resumed distribution={} step={} steps={}", plan.get().distributionId(),
                    plan.get().nextStep() + 1, plan.get().steps().size());
            start(plan.get());
        }
    }

    /** Waits a while for the runner to end between steps (the coordinator is leaving). */
    void awaitEnd() {
        CompletableFuture<RebalancePlan> current = running;
        if (current == null) {
            return;
        }
        try {
            current.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // it recorded its state, or ends after its current step
        }
    }

    private void refuseWhileBusy(Metadata metadata, Distribution distribution, List<TaskGroup> groups,
                                 Optional<RebalancePlan> stored) {
        if (stored.isPresent() && stored.get().isRunning()) {
            throw new PgException(SqlState.OBJECT_IN_USE, "a rebalance of distribution \"" + stored.get().distributionId()
                    + "\" is running (step " + (stored.get().nextStep() + 1) + " of " + stored.get().steps().size()
                    + "); see SHOW rebalance");
        }
        for (TaskGroup group : groups) {
            if (group.distributionId().equals(distribution.id())) {
                throw new PgException(SqlState.OBJECT_IN_USE, "distribution \"" + distribution.id() + "\" is in use by task group \""
                        + group.id() + "\"; wait until it ends, or end it with STOP TASK GROUP " + group.id());
            }
        }
        for (KeyRange range : metadata.index(distribution.id()).ranges()) {
            if (range.locked()) {
                throw new PgException(SqlState.OBJECT_IN_USE, "key range \"" + range.id() + "\" is locked");
            }
        }
    }

    private RebalancePlan plan(Metadata metadata, Distribution distribution, RebalanceDistribution statement) {
        List<String> shardIds = List.copyOf(metadata.shards().keySet());
        Set<String> taken = new HashSet<>(metadata.keyRanges().keySet());
        try (RangeMeasure measure = new RangeMeasure(metadata, distribution, shards)) {
            List<RebalancePlanner.Piece> pieces = measure.pieces();
            RebalancePlanner.Result result = RebalancePlanner.plan(pieces, shardIds, statement.byBytes(),
                    statement.thresholdPercent(), (piece, wanted, newId) -> measure.split(piece, wanted, newId, statement.byBytes()),
                    () -> newKeyRangeId(taken));
            log.info("event=rebalance_planned distribution={} by={} threshold_pct={} steps={} before=\"{}\" after=\"{}\" dry_run={}",
                    distribution.id(), statement.byBytes() ? "bytes" : "rows", statement.thresholdPercent(),
                    result.steps().size(), weights(result.before()), weights(result.after()), statement.dryRun());
            for (RebalanceStep step : result.steps()) {
                log.info("event=rebalance_step_planned distribution={} step={} kind={} key_range={} bound=\"{}\" from={} to={}"
                        + " est_rows={} est_bytes={} dry_run={}", distribution.id(), step.number(), step.kind(), step.keyRangeId(),
                        step.boundText(), step.fromShard(), step.toShard(), step.rows(), step.bytes(), statement.dryRun());
            }
            return new RebalancePlan(distribution.id(), statement.byBytes(), statement.thresholdPercent(),
                    RebalancePlan.State.RUNNING, "", result.steps(), 0);
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_EXCEPTION, "measuring distribution \"" + distribution.id()
                    + "\" failed: " + e.getMessage());
        }
    }

    private static String weights(Map<String, Long> weights) {
        return weights.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
    }

    /** The lowest free {@code krN}, as CREATE KEY RANGE without an id picks it. */
    private static String newKeyRangeId(Set<String> taken) {
        for (int n = 1; ; n++) {
            String id = "kr" + n;
            if (taken.add(id)) {
                return id;
            }
        }
    }

    private CompletableFuture<RebalancePlan> start(RebalancePlan plan) {
        CompletableFuture<RebalancePlan> done = new CompletableFuture<>();
        running = done;
        Thread.ofVirtual().name("rebalance-" + plan.distributionId()).start(() -> {
            try {
                Optional<RebalancePlan> ended = runSteps(plan, done);
                if (ended.isEmpty()) {
                    done.completeExceptionally(new PgException(SqlState.ADMIN_SHUTDOWN,
                            "the coordinator stopped; the rebalance resumes on the active coordinator"));
                } else if (ended.get().state() == RebalancePlan.State.FINISHED) {
                    done.complete(ended.get());
                } else {
                    done.completeExceptionally(new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                            "rebalance of distribution \"" + plan.distributionId() + "\" " + ended.get().state().label()
                                    + " at step " + (ended.get().nextStep() + 1) + ": " + ended.get().error()));
                }
            } catch (Throwable e) {
                log.warn("event=rebalance_failed distribution={} error=\"{}\"", plan.distributionId(), e.toString());
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Runs the steps from the recorded one; empty when the coordinator is leaving. */
    private Optional<RebalancePlan> runSteps(RebalancePlan start, CompletableFuture<RebalancePlan> client)
            throws InterruptedException {
        RebalancePlan plan = start;
        while (plan.isRunning()) {
            if (leaving.getAsBoolean()) {
                return Optional.empty();
            }
            RebalanceStep step = plan.steps().get(plan.nextStep());
            try {
                Optional<RebalancePlan> next = switch (step.kind()) {
                    case SPLIT -> Optional.of(split(plan, step));
                    case MOVE -> move(plan, step, client);
                };
                if (next.isEmpty()) {
                    return Optional.empty();
                }
                plan = next.get();
            } catch (RuntimeException e) {
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                plan = plan.inState(RebalancePlan.State.FAILED, message);
                store.save(plan);
                log.warn("event=rebalance_failed distribution={} step={} kind={} key_range={} error=\"{}\"",
                        plan.distributionId(), step.number(), step.kind(), step.keyRangeId(), message);
                return Optional.of(plan);
            }
        }
        if (plan.state() == RebalancePlan.State.FINISHED) {
            log.info("event=rebalance_finished distribution={} steps={}", plan.distributionId(), plan.steps().size());
        }
        return Optional.of(plan);
    }

    /** Cuts the range, unless a run before this one did. */
    private RebalancePlan split(RebalancePlan plan, RebalanceStep step) {
        Metadata metadata = qdb.snapshot();
        Distribution distribution = metadata.distribution(plan.distributionId()).orElseThrow(() -> new PgException(
                SqlState.UNDEFINED_OBJECT, "distribution \"" + plan.distributionId() + "\" does not exist"));
        KeyBound at = distribution.parseBound(step.lower());
        Optional<KeyRange> existing = metadata.keyRange(step.keyRangeId());
        if (existing.isEmpty()) {
            qdb.apply(new MetadataChange.SplitKeyRange(step.keyRangeId(), step.sourceRangeId(), at));
        } else if (!existing.get().distributionId().equals(plan.distributionId()) || !existing.get().lowerBound().equals(at)) {
            throw new PgException(SqlState.DUPLICATE_OBJECT, "key range \"" + step.keyRangeId()
                    + "\" exists already, not as the rebalance split it");
        }
        log.info("event=rebalance_step_done distribution={} step={} kind=split key_range={} from={} at=\"{}\"",
                plan.distributionId(), step.number(), step.keyRangeId(), step.sourceRangeId(), at);
        return save(plan.stepDone());
    }

    /** Starts (or finds) the step's task group and waits until it is gone; empty when the coordinator is leaving. */
    private Optional<RebalancePlan> move(RebalancePlan plan, RebalanceStep step, CompletableFuture<RebalancePlan> client)
            throws InterruptedException {
        Optional<String> groupId = step.taskGroupId().or(() -> moves.groupMoving(step.keyRangeId()));
        if (groupId.isEmpty() && !hasMoved(plan, step)) {
            String id = moves.start(step.keyRangeId(), step.toShard());
            groupId = Optional.of(id);
        }
        if (groupId.isPresent()) {
            if (step.taskGroupId().isEmpty()) {
                plan = save(plan.withStep(step.withTaskGroup(groupId.get())));
            }
            String id = groupId.get();
            String distributionId = plan.distributionId();
            boolean gone = moves.awaitGone(id, failure -> client.completeExceptionally(new PgException(
                    failure.sqlState(), "rebalance of distribution \"" + distributionId + "\" waits at step "
                    + step.number() + ": " + failure.getMessage()).withHint("RETRY TASK GROUP " + id
                    + " to go on, or STOP TASK GROUP " + id + " to end the rebalance; SHOW rebalance shows its progress.")));
            if (!gone) {
                return Optional.empty();
            }
        }
        if (!hasMoved(plan, step)) {
            String error = "task group " + groupId.orElse("?") + " was stopped before key range \"" + step.keyRangeId()
                    + "\" reached shard \"" + step.toShard() + "\"";
            log.info("event=rebalance_stopped distribution={} step={} key_range={} task_group={}", plan.distributionId(),
                    step.number(), step.keyRangeId(), groupId.orElse(""));
            return Optional.of(save(plan.inState(RebalancePlan.State.STOPPED, error)));
        }
        log.info("event=rebalance_step_done distribution={} step={} kind=move key_range={} from={} to={} task_group={}",
                plan.distributionId(), step.number(), step.keyRangeId(), step.fromShard(), step.toShard(), groupId.orElse(""));
        return Optional.of(save(plan.stepDone()));
    }

    /** Whether every key the step moves is routed to its destination: the range, whole, on that shard. */
    private boolean hasMoved(RebalancePlan plan, RebalanceStep step) {
        Metadata metadata = qdb.snapshot();
        Optional<KeyRange> range = metadata.keyRange(step.keyRangeId());
        if (range.isEmpty() || !range.get().shardId().equals(step.toShard()) || range.get().locked()) {
            return false;
        }
        KeyRangeIndex index = metadata.index(plan.distributionId());
        Optional<List<String>> upper = index.upperBound(range.get()).map(KeyBound::texts);
        return range.get().lowerBound().texts().equals(step.lower()) && upper.equals(step.upper());
    }

    private RebalancePlan save(RebalancePlan plan) {
        store.save(plan);
        return plan;
    }
}
