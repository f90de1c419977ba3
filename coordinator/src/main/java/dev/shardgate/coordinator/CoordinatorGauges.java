package dev.shardgate.coordinator;

import dev.shardgate.qdb.Qdb;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** The coordinator's own state for Prometheus, read when scraped. */
final class CoordinatorGauges {
    private CoordinatorGauges() {
    }

    static void register(PrometheusRegistry registry, Qdb qdb, BooleanSupplier active, IntSupplier routers) {
        GaugeWithCallback.builder().name("shardgate_metadata_version")
                .help("Version of the metadata in the coordinator's QDB")
                .callback(callback -> callback.call(qdb.version()))
                .register(registry);
        GaugeWithCallback.builder().name("shardgate_coordinator_active")
                .help("1 while this coordinator is the active one, 0 while it stands by")
                .callback(callback -> callback.call(active.getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder().name("shardgate_coordinator_routers")
                .help("Routers registered with the coordinator")
                .callback(callback -> {
                    try {
                        callback.call(routers.getAsInt());
                    } catch (RuntimeException e) {
                        // the QDB does not answer now: leave the gauge out of this scrape
                    }
                })
                .register(registry);
    }
}
