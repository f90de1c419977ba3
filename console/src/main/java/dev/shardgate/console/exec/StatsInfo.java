package dev.shardgate.console.exec;

/**
 * One row of {@code SHOW stats}: what clients of a database and user did on a shard (or, with an empty
 * shard, on several shards or answered by the router, as {@code route} says), counted since the
 * router started. Times are in microseconds, as PgBouncer's SHOW STATS gives them; the percentiles
 * are estimated from the transaction-time histogram's buckets.
 */
public record StatsInfo(String database, String user, String shard, String route, long transactions,
        long statements, long receivedBytes, long sentBytes, long averageTransactionMicros,
        long averageStatementMicros, long p50TransactionMicros, long p95TransactionMicros, long p99TransactionMicros) {
}
