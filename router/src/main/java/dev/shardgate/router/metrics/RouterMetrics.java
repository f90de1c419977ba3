package dev.shardgate.router.metrics;

import dev.shardgate.router.pool.PoolKey;
import dev.shardgate.router.twophase.TwoPhaseEvents;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's metric families, registered in a registry of its own (never the JVM-wide default, so
 * that routers in one JVM — tests — do not mix). Counters are the Prometheus client's own, backed by
 * LongAdder/DoubleAdder; histograms keep classic buckets only (native buckets would cost a map lookup
 * per observation). Gauges of state that is already counted elsewhere are read at scrape time by
 * {@link ScrapeGauges}.
 */
public final class RouterMetrics implements TwoPhaseEvents {
    /** Transaction and statement latency buckets, in seconds: 100 µs to a minute. */
    static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    static final String[] SHARD_LABELS = {"database", "user", "shard", "route"};

    final PrometheusRegistry registry = new PrometheusRegistry();
    final Counter transactions = counter("shardgate_transactions_total",
            "Transactions ended (ReadyForQuery idle), by the shard and route kind of their widest statement",
            SHARD_LABELS);
    final Counter statements = counter("shardgate_statements_total",
            "Statements (query strings or extended-protocol segments) answered, by shard and route kind", SHARD_LABELS);
    final Histogram transactionSeconds = Histogram.builder().name("shardgate_transaction_duration_seconds")
            .help("Time from a transaction's first client message to its ending ReadyForQuery")
            .labelNames(SHARD_LABELS).classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars()
            .register(registry);
    final Counter statementSeconds = counter("shardgate_statement_duration_seconds_total",
            "Sum of statement times, from a statement's first client message to its ReadyForQuery", SHARD_LABELS);
    final Counter receivedBytes = counter("shardgate_client_received_bytes_total",
            "Bytes of protocol messages received from clients", SHARD_LABELS);
    final Counter sentBytes = counter("shardgate_client_sent_bytes_total",
            "Bytes of shard answers relayed to clients", SHARD_LABELS);
    private final Counter errors = counter("shardgate_errors_total",
            "Error responses sent to clients, by SQLSTATE class and by who raised them (shard or router)",
            "class", "source");
    private final Counter poolWaitTimeouts = counter("shardgate_pool_wait_timeouts_total",
            "Clients that waited pool_wait_timeout for a backend connection and got 53300", "shard", "database", "user");
    private final Counter twoPhase = counter("shardgate_two_phase_transactions_total",
            "Two-phase commits by outcome: prepared, committed, rolled_back", "outcome");
    private final Counter twoPhaseRecovered = counter("shardgate_two_phase_recovered_total",
            "Prepared transactions finished by two-phase recovery, by action (commit, rollback)", "action");
    private final CounterDataPoint twoPhasePrepared = twoPhase.labelValues("prepared");
    private final CounterDataPoint twoPhaseCommitted = twoPhase.labelValues("committed");
    private final CounterDataPoint twoPhaseRolledBack = twoPhase.labelValues("rolled_back");

    private final ConcurrentHashMap<ShardKey, ShardCounters> children = new ConcurrentHashMap<>();

    private record ShardKey(String database, String user, String shard, RouteKind route) {
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    /** The registry /metrics serves. */
    public PrometheusRegistry registry() {
        return registry;
    }

    /** A client session's recorder, for a client logged in as {@code user} to {@code database}. */
    public SessionMetrics session(String database, String user) {
        return new SessionMetrics(this, database, user);
    }

    /** The label children of one shard and route kind; the shard is empty for multi-shard and local answers. */
    ShardCounters counters(String database, String user, String shard, RouteKind route) {
        return children.computeIfAbsent(new ShardKey(database, user, shard, route), key -> {
            String[] values = {key.database(), key.user(), key.shard(), key.route().label()};
            return new ShardCounters(route, transactions.labelValues(values), statements.labelValues(values),
                    transactionSeconds.labelValues(values), statementSeconds.labelValues(values),
                    receivedBytes.labelValues(values), sentBytes.labelValues(values));
        });
    }

    /** An ErrorResponse went to a client; errors are rare, so the label lookup here is fine. */
    void error(String sqlState, boolean fromShard) {
        String errorClass = sqlState != null && sqlState.length() == 5 ? sqlState.substring(0, 2) : "XX";
        errors.labelValues(errorClass, fromShard ? "shard" : "router").inc();
    }

    void poolWaitTimedOut(PoolKey pool) {
        poolWaitTimeouts.labelValues(pool.shard(), pool.database(), pool.user()).inc();
    }

    @Override
    public void prepared() {
        twoPhasePrepared.inc();
    }

    @Override
    public void committed() {
        twoPhaseCommitted.inc();
    }

    @Override
    public void rolledBack() {
        twoPhaseRolledBack.inc();
    }

    /** Two-phase recovery finished a prepared transaction: {@code action} is commit or rollback. */
    public void recovered(String action) {
        twoPhaseRecovered.labelValues(action).inc();
    }
}
