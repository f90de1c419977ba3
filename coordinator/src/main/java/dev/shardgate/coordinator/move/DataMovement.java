package dev.shardgate.coordinator.move;

import dev.shardgate.console.ast.CheckDistribution;
import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.DrainShard;
import dev.shardgate.console.ast.MoveKeyRange;
import dev.shardgate.console.ast.RebalanceDistribution;
import dev.shardgate.console.ast.RedistributeKeyRange;
import dev.shardgate.console.ast.RetryAllTaskGroups;
import dev.shardgate.console.ast.RetryTaskGroup;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.ast.StopAllTaskGroups;
import dev.shardgate.console.ast.StopTaskGroup;
import dev.shardgate.console.ast.SyncReferenceTables;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RowFilter;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REDISTRIBUTE KEY RANGE, DRAIN SHARD, SHOW task_group, STOP TASK GROUP, RETRY TASK GROUP, CHECK DISTRIBUTION and SYNC REFERENCE TABLES on the
 * coordinator's console, and the task groups they run: one virtual thread per running group. REBALANCE
 * DISTRIBUTION and SHOW rebalance go to {@link Rebalancing}, whose moves are task groups of this class.
 * Groups live in the QDB, so the active coordinator resumes the running ones when it starts.
 */
public final class DataMovement implements ConsoleExecutor.OwnStatements, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataMovement.class);
    /** SHOW task_group, also spelt task_groups. */
    public static final List<String> SHOW_TARGETS = List.of("task_group", "task_groups");
    /** SHOW rebalance: the current or last REBALANCE's plan and progress. */
    public static final String REBALANCE_SHOW_TARGET = Rebalancing.SHOW_TARGET;
    /** SHOW balancer: what the continuous balancer did and does for each distribution. */
    public static final String BALANCER_SHOW_TARGET = Balancer.SHOW_TARGET;
    static final List<String> SHOW_COLUMNS = List.of("task_group_id", "key_range_id", "source_shard_id",
            "destination_shard_id", "state", "error", "batch_size", "rows_moved", "batches_done", "current_batch",
            "current_step", "last_batch_lock_ms");
    static final List<String> RESULT_COLUMNS = List.of("task_group_id", "key_range_id", "rows_moved", "batches_done");

    private final Qdb qdb;
    private final TaskGroupStore store;
    private final ShardData shards;
    private final RouterFleet fleet;
    private final DataMoveConfig config;
    private final Map<String, CompletableFuture<TaskGroup>> running = new ConcurrentHashMap<>();
    private final Rebalancing rebalancing;
    private final Balancer balancer;
    private volatile boolean leaving;
    private MoveMetrics metrics = MoveMetrics.unregistered();
    private final MoveStats stats = new MoveStats();
    /** Groups STOP TASK GROUP … IMMEDIATE asked to end before their next step. */
    private final java.util.Set<String> halting = ConcurrentHashMap.newKeySet();

    public DataMovement(Qdb qdb, RouterFleet fleet, DataMoveConfig config) {
        this.qdb = qdb;
        this.store = new TaskGroupStore(qdb);
        this.shards = new ShardData(config);
        this.fleet = fleet;
        this.config = config;
        this.rebalancing = new Rebalancing(qdb, shards, new RebalanceMoves(), () -> leaving);
        this.balancer = new Balancer(rebalancing, qdb::snapshot, store::all);
    }

    /** The continuous balancer's settings, at start and on RELOAD; it runs while this coordinator is active. */
    public void configureBalancer(dev.shardgate.coordinator.config.BalancerConfig value) {
        balancer.configure(value);
    }

    /** Counts moved rows, batches and lock time in {@code registry}, and shows the groups in progress there. */
    public DataMovement reportingTo(io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
        metrics = new MoveMetrics(registry, store::all);
        return this;
    }

    /** SHOW move_stats: mean times of the task group runs that moved their range since the start. */
    public List<dev.shardgate.console.exec.MoveStatInfo> moveStats() {
        return stats.rows();
    }

    /**
     * The QDB for the console's other commands: refuses metadata changes to what a task group is
     * moving (see {@link TaskGroupGuard}).
     */
    public Qdb guarding(Qdb consoleQdb) {
        return new TaskGroupGuard(consoleQdb, store);
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof RedistributeKeyRange || statement instanceof MoveKeyRange move && !move.metaOnly()
                || statement instanceof CheckDistribution || statement instanceof DrainShard
                || statement instanceof RebalanceDistribution
                || statement instanceof Show show && show.what().equals(Rebalancing.SHOW_TARGET)
                || statement instanceof Show show && show.what().equals(Balancer.SHOW_TARGET)
                || statement instanceof StopTaskGroup || statement instanceof StopAllTaskGroups
                || statement instanceof SyncReferenceTables
                || statement instanceof RetryTaskGroup || statement instanceof RetryAllTaskGroups
                || statement instanceof Show show && SHOW_TARGETS.contains(show.what());
    }

    /**
     * On the coordinator, MOVE KEY RANGE moves the range's rows too (as SPQR's does): it is a
     * REDISTRIBUTE with the configured batch size that waits for its end. A router's own console,
     * which has no data mover, only changes the metadata; so does MOVE … META ONLY here (not handled).
     */
    private static RedistributeKeyRange asRedistribute(MoveKeyRange move) {
        return new RedistributeKeyRange(move.id(), move.shard(), java.util.OptionalInt.empty(), false, false);
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return switch (statement) {
            case RedistributeKeyRange r -> redistribute(r);
            case MoveKeyRange m -> redistribute(asRedistribute(m));
            case CheckDistribution c -> DistributionCheck.run(qdb.snapshot(), shards, c.id());
            case DrainShard d -> new ShardDrain(qdb, store, shards, fleet, this::moveAndWait,
                    id -> Optional.ofNullable(running.get(id))).run(d);
            case RebalanceDistribution r -> rebalancing.rebalance(r, store.all());
            case Show show when show.what().equals(Rebalancing.SHOW_TARGET) -> rebalancing.show();
            case Show show when show.what().equals(Balancer.SHOW_TARGET) -> balancer.show(qdb.snapshot());
            case StopTaskGroup s -> s.immediate() ? halt(s.id()) : stop(s.id());
            case StopAllTaskGroups s -> stopAll(s.immediate());
            case SyncReferenceTables s -> ReferenceSync.run(qdb.snapshot(), shards, s);
            case RetryTaskGroup r -> retry(r.id());
            case RetryAllTaskGroups _ -> retryAll();
            case Show show -> show(show);
            default -> throw new IllegalArgumentException("not a data movement statement: " + statement);
        };
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return switch (statement) {
            case Show show when show.what().equals(Rebalancing.SHOW_TARGET) -> Optional.of(RebalancePlan.SHOW_COLUMNS);
            case Show show when show.what().equals(Balancer.SHOW_TARGET) -> Optional.of(Balancer.COLUMNS);
            case Show _ -> Optional.of(SHOW_COLUMNS);
            case RebalanceDistribution _ -> Optional.of(RebalancePlan.COLUMNS);
            case CheckDistribution _ -> Optional.of(DistributionCheck.COLUMNS);
            case SyncReferenceTables _ -> Optional.of(ReferenceSync.COLUMNS);
            case DrainShard _ -> Optional.of(ShardDrain.COLUMNS);
            case RedistributeKeyRange r when r.checkOnly() -> Optional.of(MovePlan.COLUMNS);
            case RedistributeKeyRange r when r.noWait() -> Optional.of(List.of("task_group_id"));
            case RedistributeKeyRange _, MoveKeyRange _, RetryTaskGroup _, RetryAllTaskGroups _ -> Optional.of(RESULT_COLUMNS);
            default -> Optional.empty();
        };
    }

    /** Starts the stored groups that were running when the last active coordinator stopped. */
    public void resume() {
        leaving = false;
        for (TaskGroup group : store.all()) {
            if (group.state() != TaskState.ERROR && !running.containsKey(group.id())) {
                log.info("event=task_group_resumed task_group={} batch={} step={}", group.id(), group.batchNumber(),
                        group.step().label());
                start(group);
            }
        }
        rebalancing.resume();
        balancer.start();
    }

    /** Ends the running groups between steps, recording nothing: the next active coordinator resumes them. */
    public void pause() {
        leaving = true;
        balancer.stop();
        for (CompletableFuture<TaskGroup> future : running.values()) {
            try {
                future.get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                // failed or slow: it recorded its state, or will stop after its current step
            }
        }
        rebalancing.awaitEnd();
    }

    @Override
    public void close() {
        pause();
    }

    private ConsoleResult redistribute(RedistributeKeyRange statement) {
        qdb.checkWritable();
        if (alreadyThere(statement.id(), statement.shard())) {
            // SPQR's answer: nothing to move is no error; no task group is made
            log.info("event=redistribute_skipped key_range={} shard={} reason=already_there", statement.id(), statement.shard());
            List<String> columns = statement.checkOnly() ? MovePlan.COLUMNS
                    : statement.noWait() ? List.of("task_group_id") : RESULT_COLUMNS;
            return new ConsoleResult.Rows(columns, List.of());
        }
        MovePlan plan = MovePlan.check(qdb.snapshot(), store.all(), shards, statement.id(), statement.shard(),
                statement.checkOnly());
        if (statement.checkOnly()) {
            return plan.result();
        }
        TaskGroup group = plan(plan, statement.id(), statement.shard(), statement.batchSize(), statement.taskGroup());
        CompletableFuture<TaskGroup> future = start(group);
        if (statement.noWait()) {
            return new ConsoleResult.Rows(List.of("task_group_id"), List.of(List.of(group.id())));
        }
        TaskGroup done = await(future);
        return new ConsoleResult.Rows(RESULT_COLUMNS, List.of(List.of(done.id(), done.keyRangeId(),
                Long.toString(done.rowsMoved()), Integer.toString(done.batchesDone()))));
    }

    private TaskGroup plan(MovePlan plan, String keyRangeId, String shardId, java.util.OptionalInt batchSize) {
        return plan(plan, keyRangeId, shardId, batchSize, Optional.empty());
    }

    /**
     * @param batchSize the statement's BATCH SIZE; empty for the configured one (data_move.batch_size
     *                  rows, or batches sized by time)
     * @param id the id REDISTRIBUTE … TASK GROUP gives; empty for the store's next number
     */
    private TaskGroup plan(MovePlan plan, String keyRangeId, String shardId, java.util.OptionalInt batchSize,
                           Optional<String> id) {
        TaskGroup group = batchSize.isPresent()
                ? TaskGroup.planned(id.orElseGet(store::nextId), keyRangeId, plan.distributionId(), plan.sourceShard(),
                        shardId, batchSize.getAsInt())
                : TaskGroup.planned(id.orElseGet(store::nextId), keyRangeId, plan.distributionId(), plan.sourceShard(),
                        shardId, config.batchSize(), config.batchLock().toMillis());
        if (!store.create(group)) {
            throw new PgException(SqlState.DUPLICATE_OBJECT, "task group \"" + group.id() + "\" already exists");
        }
        log.info("event=task_group_planned task_group={} key_range={} from={} to={} batch_size={} batch_lock_ms={}", group.id(),
                group.keyRangeId(), group.sourceShard(), group.destinationShard(), group.batchSize(), group.batchLockMillis());
        return group;
    }

    /** A REDISTRIBUTE that waits for its end, as DRAIN SHARD runs them one after another. */
    private TaskGroup moveAndWait(String keyRangeId, String shardId, java.util.OptionalInt batchSize) {
        MovePlan plan = MovePlan.check(qdb.snapshot(), store.all(), shards, keyRangeId, shardId, false);
        return await(start(plan(plan, keyRangeId, shardId, batchSize)));
    }

    /** The rebalance's moves: task groups with the configured batch size. */
    private final class RebalanceMoves implements Rebalancing.Moves {
        @Override
        public String start(String keyRangeId, String shard) {
            MovePlan plan = MovePlan.check(qdb.snapshot(), store.all(), shards, keyRangeId, shard, false);
            TaskGroup group = plan(plan, keyRangeId, shard, java.util.OptionalInt.empty());
            DataMovement.this.start(group);
            return group.id();
        }

        @Override
        public Optional<String> groupMoving(String keyRangeId) {
            return store.all().stream().filter(g -> g.keyRangeId().equals(keyRangeId)).map(TaskGroup::id).findFirst();
        }

        @Override
        public boolean awaitGone(String groupId, java.util.function.Consumer<PgException> failed) throws InterruptedException {
            while (!leaving) {
                CompletableFuture<TaskGroup> future = running.get(groupId);
                if (future != null && !future.isDone()) {
                    try {
                        future.get();
                    } catch (ExecutionException e) {
                        if (!leaving && e.getCause() instanceof PgException pg && pg.sqlState() != SqlState.ADMIN_SHUTDOWN) {
                            failed.accept(pg);
                        }
                    }
                } else if (store.get(groupId).isEmpty()) {
                    return true;
                } else {
                    Thread.sleep(200); // failed, waiting for RETRY or STOP TASK GROUP; or just ending
                }
            }
            return false;
        }
    }

    static TaskGroup await(CompletableFuture<TaskGroup> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException(SqlState.QUERY_CANCELED, "stopped waiting for the task group; it goes on");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgException pg) {
                throw pg;
            }
            throw new PgException(SqlState.INTERNAL_ERROR, String.valueOf(e.getCause()));
        }
    }

    private CompletableFuture<TaskGroup> start(TaskGroup group) {
        CompletableFuture<TaskGroup> future = new CompletableFuture<>();
        running.put(group.id(), future);
        Thread.ofVirtual().name("task-group-" + group.id()).start(() -> {
            Redistribution redistribution = new Redistribution(qdb, store, shards, fleet, () -> leaving, group, metrics, stats,
                    () -> halting.contains(group.id()));
            try {
                Redistribution.Outcome outcome = redistribution.run();
                if (outcome == Redistribution.Outcome.INTERRUPTED) {
                    future.completeExceptionally(new PgException(SqlState.ADMIN_SHUTDOWN,
                            "the coordinator stopped; task group \"" + group.id() + "\" resumes on the active coordinator"));
                } else {
                    future.complete(redistribution.group());
                }
            } catch (Throwable e) {
                future.completeExceptionally(e);
            } finally {
                halting.remove(group.id());
                running.remove(group.id(), future);
            }
        });
        return future;
    }

    private TaskGroup existing(String id) {
        return store.get(id).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "task group \"" + id + "\" does not exist"));
    }

    private boolean alreadyThere(String keyRangeId, String shardId) {
        var metadata = qdb.snapshot();
        return metadata.shard(shardId).isPresent()
                && metadata.keyRange(keyRangeId).filter(range -> range.shardId().equals(shardId)).isPresent();
    }

    /** STOP TASK GROUP ALL [IMMEDIATE]: each group as STOP TASK GROUP stops it, one after another. */
    private ConsoleResult stopAll(boolean immediate) {
        qdb.checkWritable();
        for (TaskGroup group : store.all()) {
            try {
                if (immediate) {
                    halt(group.id());
                } else {
                    stop(group.id());
                }
            } catch (PgException e) {
                if (e.sqlState() != SqlState.UNDEFINED_OBJECT) {
                    throw e; // one that ended meanwhile is stopped enough
                }
            }
        }
        return new ConsoleResult.Done("STOP TASK GROUP");
    }

    /** Ends the group at its next batch boundary; a failed group first finishes its batch. */
    private ConsoleResult stop(String id) {
        qdb.checkWritable();
        TaskGroup group = existing(id);
        while (true) {
            Optional<byte[]> stored = store.raw(id);
            if (stored.isEmpty()) {
                return new ConsoleResult.Done("STOP TASK GROUP");
            }
            if (store.replace(stored.get(), TaskGroupStore.decode(stored.get()).withStopRequested())) {
                break;
            }
        }
        CompletableFuture<TaskGroup> future = running.get(id);
        if (future == null) {
            future = start(existing(id));
        }
        log.info("event=task_group_stop_requested task_group={} state={}", id, group.state());
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PgException pg) {
                throw pg;
            }
        }
        return new ConsoleResult.Done("STOP TASK GROUP");
    }

    /**
     * STOP TASK GROUP … IMMEDIATE: a running group ends before its next step instead of at the end of
     * its batch, and stays, failed at that step, as a crash would leave it: RETRY TASK GROUP goes on
     * from there, STOP TASK GROUP finishes the batch and removes it. A group not running is left as it is.
     */
    private ConsoleResult halt(String id) {
        qdb.checkWritable();
        existing(id);
        CompletableFuture<TaskGroup> future = running.get(id);
        if (future != null) {
            halting.add(id);
            log.info("event=task_group_halt_requested task_group={}", id);
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof PgException pg && pg.sqlState() != SqlState.ADMIN_SHUTDOWN) {
                    throw pg;
                }
            }
        }
        return new ConsoleResult.Done("STOP TASK GROUP");
    }

    /** RETRY TASK GROUP ALL: every group not running, one after another, each waited for; a row per group. */
    private ConsoleResult retryAll() {
        qdb.checkWritable();
        List<List<String>> rows = new java.util.ArrayList<>();
        for (TaskGroup group : store.all()) {
            if (group.state() == TaskState.ERROR && !running.containsKey(group.id())) {
                rows.addAll(((ConsoleResult.Rows) retry(group.id())).rows());
            }
        }
        return new ConsoleResult.Rows(RESULT_COLUMNS, rows);
    }

    /** Runs a failed group again from the step it failed at (or one a stopped coordinator left). */
    private ConsoleResult retry(String id) {
        qdb.checkWritable();
        TaskGroup group = existing(id);
        if (running.containsKey(id)) {
            throw new PgException(SqlState.OBJECT_IN_USE, "task group \"" + id + "\" is running");
        }
        log.info("event=task_group_retry task_group={} batch={} step={}", id, group.batchNumber(), group.step().label());
        TaskGroup done = await(start(group));
        return new ConsoleResult.Rows(RESULT_COLUMNS, List.of(List.of(done.id(), done.keyRangeId(),
                Long.toString(done.rowsMoved()), Integer.toString(done.batchesDone()))));
    }

    private ConsoleResult show(Show show) {
        var filter = show.where().map(where -> RowFilter.of(where, SHOW_COLUMNS, "SHOW task_group"))
                .orElse(row -> true);
        List<List<String>> rows = store.all().stream().map(g -> java.util.Arrays.asList(g.id(), g.keyRangeId(),
                g.sourceShard(), g.destinationShard(), g.state().name(), g.error().isEmpty() ? null : g.error(),
                Integer.toString(g.batchSize()), Long.toString(g.rowsMoved()), Integer.toString(g.batchesDone()),
                Integer.toString(g.batchNumber()), g.step().label(), Long.toString(g.lastLockMillis())))
                .filter(filter).toList();
        return new ConsoleResult.Rows(SHOW_COLUMNS, rows);
    }
}
