package dev.shardgate.coordinator.move;

import dev.shardgate.console.exec.MoveStatInfo;
import dev.shardgate.console.exec.SpqrDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * SHOW move_stats: the mean time of each part of a key range move, over the task group runs that
 * finished since the coordinator started, named as SPQR names its statistics: {@code total} for the
 * whole run, {@code router} for waiting on the routers (the LOCK step), {@code shard.Total} and
 * {@code qdb.Total} for the steps that work on the shards and on the QDB, and each step as
 * {@code shard.copy}, {@code qdb.split}, …. Kept in memory, as SPQR keeps them.
 */
final class MoveStats {
    static final String TOTAL = "total";
    static final String ROUTER = "router";

    private record Sum(long nanos, int samples) {
        Sum plus(long more) {
            return new Sum(nanos + more, samples + 1);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Sum> sums = new TreeMap<>();

    /** One run of a task group ended with its range moved; {@code stepNanos} is the time each step took in it. */
    void runFinished(Map<MoveStep, Long> stepNanos, long totalNanos) {
        Map<String, Long> run = new TreeMap<>();
        run.put(TOTAL, totalNanos);
        stepNanos.forEach((step, nanos) -> {
            String part = part(step);
            if (part.equals(ROUTER)) {
                run.merge(ROUTER, nanos, Long::sum);
            } else {
                run.merge(part + "." + step.label(), nanos, Long::sum);
                run.merge(part + ".Total", nanos, Long::sum);
            }
        });
        lock.lock();
        try {
            run.forEach((name, nanos) -> sums.merge(name, new Sum(nanos, 1), (old, one) -> old.plus(nanos)));
        } finally {
            lock.unlock();
        }
    }

    /** One row per statistic, by name. */
    List<MoveStatInfo> rows() {
        lock.lock();
        try {
            List<MoveStatInfo> rows = new ArrayList<>(sums.size());
            sums.forEach((name, sum) -> rows.add(new MoveStatInfo(name,
                    SpqrDurations.format(Duration.ofNanos(sum.nanos() / sum.samples())))));
            return rows;
        } finally {
            lock.unlock();
        }
    }

    /** Where a step spends its time: the shards' rows, the QDB's metadata, or waiting for the routers. */
    private static String part(MoveStep step) {
        return switch (step) {
            case PLAN, COPY, VERIFY, DELETE -> "shard";
            case SPLIT, MOVE -> "qdb";
            case LOCK -> ROUTER;
        };
    }
}
