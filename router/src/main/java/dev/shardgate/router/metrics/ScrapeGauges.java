package dev.shardgate.router.metrics;

import dev.shardgate.console.exec.ClientInfo;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.Subscription;
import dev.shardgate.router.pool.PoolStats;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gauges of state the router keeps anyway — pools, logged-in clients, the metadata version — read
 * when Prometheus scrapes, so they cost the hot path nothing.
 */
public final class ScrapeGauges implements AutoCloseable {
    private final Subscription metadataWatch;
    /** Wall-clock seconds of the last metadata change this router received (or of its start); NaN before. */
    private volatile double lastMetadataUpdate = Double.NaN;

    /**
     * @param pools the pools' counters now (as SHOW pools shows them)
     * @param clients the logged-in clients now (as SHOW clients shows them)
     */
    public ScrapeGauges(RouterMetrics metrics, Supplier<List<PoolStats>> pools, Supplier<List<ClientInfo>> clients,
            Qdb qdb) {
        var registry = metrics.registry();
        GaugeWithCallback.builder().name("shardgate_client_connections")
                .help("Clients logged in to the router, by database and user")
                .labelNames("database", "user")
                .callback(callback -> {
                    Map<List<String>, Integer> counts = new HashMap<>();
                    for (ClientInfo client : clients.get()) {
                        counts.merge(List.of(String.valueOf(client.database()), String.valueOf(client.user())), 1,
                                Integer::sum);
                    }
                    counts.forEach((labels, n) -> callback.call(n, labels.get(0), labels.get(1)));
                })
                .register(registry);
        poolGauge(metrics, pools, "shardgate_pool_connections", "Open backend connections of a pool, by state",
                true);
        poolGauge(metrics, pools, "shardgate_pool_waiting_clients",
                "Sessions waiting for a backend connection of a pool", false);
        GaugeWithCallback.builder().name("shardgate_pool_connection_limit")
                .help("connection_limit of a pool's backend rule")
                .labelNames("shard", "database", "user")
                .callback(callback -> pools.get().forEach(p ->
                        callback.call(p.limit(), p.key().shard(), p.key().database(), p.key().user())))
                .register(registry);
        GaugeWithCallback.builder().name("shardgate_metadata_version")
                .help("Version of the metadata snapshot the router routes with")
                .callback(callback -> callback.call(qdb.version()))
                .register(registry);
        GaugeWithCallback.builder().name("shardgate_metadata_last_update_timestamp_seconds")
                .help("Unix time at which the router last received a metadata change (or loaded its metadata)")
                .callback(callback -> {
                    double at = lastMetadataUpdate;
                    if (!Double.isNaN(at)) {
                        callback.call(at);
                    }
                })
                .register(registry);
        this.metadataWatch = qdb.watch(event -> lastMetadataUpdate = System.currentTimeMillis() / 1000.0);
    }

    private static void poolGauge(RouterMetrics metrics, Supplier<List<PoolStats>> pools, String name, String help,
            boolean byState) {
        var builder = GaugeWithCallback.builder().name(name).help(help);
        if (byState) {
            builder.labelNames("shard", "database", "user", "state").callback(callback -> perPool(pools).forEach(p -> {
                callback.call(p.active(), p.key().shard(), p.key().database(), p.key().user(), "active");
                callback.call(p.idle(), p.key().shard(), p.key().database(), p.key().user(), "idle");
            }));
        } else {
            builder.labelNames("shard", "database", "user").callback(callback -> perPool(pools).forEach(p ->
                    callback.call(p.waiting(), p.key().shard(), p.key().database(), p.key().user())));
        }
        builder.register(metrics.registry());
    }

    /** One row per (shard, database, user): the pools of a shard's hosts summed, one label set each. */
    private static java.util.Collection<PoolStats> perPool(Supplier<List<PoolStats>> pools) {
        java.util.Map<dev.shardgate.router.pool.PoolKey, PoolStats> sums = new java.util.LinkedHashMap<>();
        for (PoolStats p : pools.get()) {
            sums.merge(p.key(), p, (a, b) -> new PoolStats(a.key(), "", a.total() + b.total(), a.idle() + b.idle(),
                    a.active() + b.active(), a.waiting() + b.waiting(), a.limit() + b.limit()));
        }
        return sums.values();
    }

    @Override
    public void close() {
        metadataWatch.close();
    }
}
