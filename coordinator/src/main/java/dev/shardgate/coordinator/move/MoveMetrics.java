package dev.shardgate.coordinator.move;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.List;
import java.util.function.Supplier;

/**
 * What data movement tells Prometheus: rows and batches moved and how long each batch held its key
 * range locked (clients of the range wait that long), counted as batches end; and the task groups
 * in progress, read from the QDB when scraped. A group that finished is gone from the QDB, so the
 * counters are what remains of it.
 */
public final class MoveMetrics {
    private final Counter rowsMoved;
    private final Counter batches;
    private final Histogram lockSeconds;

    MoveMetrics(PrometheusRegistry registry, Supplier<List<TaskGroup>> stored) {
        Supplier<List<TaskGroup>> taskGroups = () -> {
            try {
                return stored.get();
            } catch (RuntimeException e) {
                return List.of(); // the QDB does not answer now: a scrape shows no groups rather than failing
            }
        };
        rowsMoved = Counter.builder().name("shardgate_task_group_rows_moved_total")
                .help("Rows moved by task groups (REDISTRIBUTE / MOVE KEY RANGE), by source and destination shard")
                .labelNames("source_shard", "destination_shard").withoutExemplars().register(registry);
        batches = Counter.builder().name("shardgate_task_group_batches_total")
                .help("Batches moved by task groups, by source and destination shard")
                .labelNames("source_shard", "destination_shard").withoutExemplars().register(registry);
        lockSeconds = Histogram.builder().name("shardgate_task_group_batch_lock_seconds")
                .help("How long each moved batch kept its key range locked")
                .classicOnly().classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
                .withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("shardgate_task_group_progress_rows")
                .help("Rows a task group in progress has moved so far")
                .labelNames("task_group", "key_range", "source_shard", "destination_shard", "state")
                .callback(callback -> taskGroups.get().forEach(g -> callback.call(g.rowsMoved(), g.id(),
                        g.keyRangeId(), g.sourceShard(), g.destinationShard(), g.state().name().toLowerCase(java.util.Locale.ROOT))))
                .register(registry);
        GaugeWithCallback.builder().name("shardgate_task_group_progress_batches")
                .help("Batches a task group in progress has moved so far")
                .labelNames("task_group", "key_range", "source_shard", "destination_shard", "state")
                .callback(callback -> taskGroups.get().forEach(g -> callback.call(g.batchesDone(), g.id(),
                        g.keyRangeId(), g.sourceShard(), g.destinationShard(), g.state().name().toLowerCase(java.util.Locale.ROOT))))
                .register(registry);
    }

    /** A no-op for movements without a registry (tests). */
    static MoveMetrics unregistered() {
        return new MoveMetrics(new PrometheusRegistry(), List::of);
    }

    void batchMoved(TaskGroup group, long rows, long lockMillis) {
        rowsMoved.labelValues(group.sourceShard(), group.destinationShard()).inc(rows);
        batches.labelValues(group.sourceShard(), group.destinationShard()).inc();
        lockSeconds.observe(lockMillis / 1000.0);
    }
}
