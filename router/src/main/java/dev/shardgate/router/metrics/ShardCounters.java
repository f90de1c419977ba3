package dev.shardgate.router.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;

/**
 * The label children of one (database, user, shard, route): resolved once, then each recording is a
 * few LongAdder/DoubleAdder additions with no map lookup.
 */
record ShardCounters(
        RouteKind route,
        CounterDataPoint transactions,
        CounterDataPoint statements,
        DistributionDataPoint transactionSeconds,
        CounterDataPoint statementSeconds,
        CounterDataPoint receivedBytes,
        CounterDataPoint sentBytes) {
}
