package dev.shardgate.router.pool;

/** A pool's counters at one moment, for SHOW pools and metrics: one row per host of the shard. */
public record PoolStats(PoolKey key, String host, int total, int idle, int active, int waiting, int limit) {
}
