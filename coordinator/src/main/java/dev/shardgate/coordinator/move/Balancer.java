package dev.shardgate.coordinator.move;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.coordinator.config.BalancerConfig;
import dev.shardgate.meta.Metadata;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The continuous balancer (coordinator.yaml's {@code balancer} section): on the active coordinator,
 * every interval, looks at each distribution and, unless a task group or a rebalance is busy with it,
 * runs one REBALANCE round bounded by {@code max_moves} ({@link Rebalancing#balanceRound}). A failed
 * task group of a distribution, or a rebalance of it that failed, holds the balancer for that
 * distribution until the operator acts; SHOW balancer tells which and why.
 */
final class Balancer {
    private static final Logger log = LoggerFactory.getLogger(Balancer.class);
    static final String SHOW_TARGET = "balancer";
    static final List<String> COLUMNS = List.of("distribution_id", "state", "detail", "last_run", "last_result", "next_run");

    /** What the balancer last did for one distribution. */
    private record Status(String state, String detail, Instant lastRun, String lastResult) {
    }

    private final Rebalancing rebalancing;
    private final Supplier<Metadata> metadata;
    private final Supplier<List<TaskGroup>> groups;
    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile BalancerConfig config = BalancerConfig.defaults();
    /** Bumped by start and stop, so a loop of an earlier term ends. */
    private long term;
    private volatile boolean isActive;
    private volatile Instant nextRun;

    Balancer(Rebalancing rebalancing, Supplier<Metadata> metadata, Supplier<List<TaskGroup>> groups) {
        this.rebalancing = rebalancing;
        this.metadata = metadata;
        this.groups = groups;
    }

    /** Takes a new {@code balancer} section (at start and on RELOAD); a waiting loop counts its interval anew. */
    void configure(BalancerConfig value) {
        lock.lock();
        try {
            if (!value.equals(config)) {
                log.info("event=balancer_configured {}", value);
            }
            if (!value.enabled()) {
                nextRun = null;
            } else if (isActive && !config.enabled()) {
                nextRun = Instant.now().plus(value.interval());
            }
            config = value;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The coordinator became active: the loop runs (idle while the balancer is off). */
    void start() {
        long mine;
        lock.lock();
        try {
            mine = ++term;
            isActive = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("balancer").start(() -> loop(mine));
    }

    /** The coordinator is leaving: the loop ends; a running round ends with its rebalance, between steps. */
    void stop() {
        lock.lock();
        try {
            term++;
            isActive = false;
            nextRun = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    ConsoleResult show(Metadata snapshot) {
        BalancerConfig now = config;
        Instant next = nextRun;
        List<List<String>> rows = snapshot.distributions().keySet().stream().sorted().map(id -> {
            if (!now.enabled()) {
                return Arrays.asList(id, "off", "balancer.enabled is false", null, null, null);
            }
            if (!isActive) {
                return Arrays.asList(id, "standby", "the balancer runs on the active coordinator", null, null, null);
            }
            Status status = statuses.getOrDefault(id, new Status("pending", "not looked at yet", null, null));
            return Arrays.asList(id, status.state(), status.detail(), text(status.lastRun()), status.lastResult(),
                    status.state().equals("running") ? null : text(next));
        }).toList();
        return new ConsoleResult.Rows(COLUMNS, rows);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private boolean isCurrent(long mine) {
        lock.lock();
        try {
            return mine == term;
        } finally {
            lock.unlock();
        }
    }

    private void loop(long mine) {
        Instant since = Instant.now();
        try {
            while (awaitRound(mine, since)) {
                BalancerConfig round = config;
                for (String id : metadata.get().distributions().keySet().stream().sorted().toList()) {
                    if (!isCurrent(mine) || !config.enabled()) {
                        break;
                    }
                    look(id, round);
                }
                since = Instant.now();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the QDB unreachable or similar: the next term (a new activation) starts afresh
            log.warn("event=balancer_stopped error=\"{}\"", e.toString());
        }
    }

    /** Waits until an interval after {@code since} passed with the balancer on; false when this term ended. */
    private boolean awaitRound(long mine, Instant since) throws InterruptedException {
        lock.lock();
        try {
            Instant from = since;
            while (mine == term) {
                BalancerConfig now = config;
                if (!now.enabled()) {
                    nextRun = null;
                    changed.await();
                    from = Instant.now();
                    continue;
                }
                Instant due = from.plus(now.interval());
                nextRun = due;
                long nanos = Duration.between(Instant.now(), due).toNanos();
                if (nanos <= 0) {
                    return true;
                }
                changed.awaitNanos(nanos);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** One distribution: hold, wait or run a round. */
    private void look(String id, BalancerConfig round) throws InterruptedException {
        List<TaskGroup> all = groups.get();
        Optional<TaskGroup> failed = all.stream()
                .filter(g -> g.distributionId().equals(id) && g.state() == TaskState.ERROR).findFirst();
        if (failed.isPresent()) {
            hold(id, "task group " + failed.get().id() + " failed: " + failed.get().error() + "; RETRY TASK GROUP "
                    + failed.get().id() + " or STOP TASK GROUP " + failed.get().id());
            return;
        }
        Optional<TaskGroup> moving = all.stream().filter(g -> g.distributionId().equals(id)).findFirst();
        if (moving.isPresent()) {
            waiting(id, "task group " + moving.get().id() + " moves key range " + moving.get().keyRangeId());
            return;
        }
        Optional<RebalancePlan> stored = rebalancing.storedPlan();
        if (stored.isPresent() && stored.get().isRunning()) {
            waiting(id, "a rebalance of distribution " + stored.get().distributionId() + " is running");
            return;
        }
        if (stored.isPresent() && stored.get().distributionId().equals(id) && stored.get().state() == RebalancePlan.State.FAILED) {
            hold(id, "the last rebalance failed at step " + (stored.get().nextStep() + 1) + ": " + stored.get().error()
                    + "; a REBALANCE DISTRIBUTION " + id + " by hand releases the balancer");
            return;
        }
        Status before = statuses.get(id);
        Instant started = Instant.now();
        statuses.put(id, new Status("running", "measuring and moving", started, before == null ? null : before.lastResult()));
        try {
            RebalancePlan plan = rebalancing.balanceRound(id, round.byBytes(), round.thresholdPercent(), round.maxMoves(), all);
            long moves = plan.steps().stream().filter(step -> step.kind() == RebalanceStep.Kind.MOVE).count();
            if (plan.steps().isEmpty()) {
                statuses.put(id, new Status("balanced", "every shard within " + round.thresholdPercent() + "% of the mean",
                        started, "nothing to move"));
            } else {
                String result = "moved " + moves + " key range" + (moves == 1 ? "" : "s") + " in " + plan.steps().size()
                        + " step" + (plan.steps().size() == 1 ? "" : "s");
                log.info("event=balancer_round_done distribution={} moves={} steps={}", id, moves, plan.steps().size());
                statuses.put(id, new Status("moved", "looks again at the next run", started, result));
            }
        } catch (PgException e) {
            if (e.sqlState() == SqlState.ADMIN_SHUTDOWN) {
                statuses.put(id, new Status("pending", "the coordinator is leaving", started, null));
            } else if (e.sqlState() == SqlState.OBJECT_IN_USE) {
                waiting(id, e.getMessage());
            } else {
                hold(id, e.getMessage());
                statuses.put(id, new Status("held", e.getMessage(), started, "failed"));
            }
        }
    }

    private void waiting(String id, String why) {
        Status before = statuses.get(id);
        statuses.put(id, new Status("waiting", why, before == null ? null : before.lastRun(),
                before == null ? null : before.lastResult()));
    }

    /** Holds the distribution; logged when it begins or its reason changes. */
    private void hold(String id, String why) {
        Status before = statuses.get(id);
        if (before == null || !before.state().equals("held") || !before.detail().equals(why)) {
            log.warn("event=balancer_held distribution={} reason=\"{}\"", id, why);
        }
        statuses.put(id, new Status("held", why, before == null ? null : before.lastRun(),
                before == null ? null : before.lastResult()));
    }
}
