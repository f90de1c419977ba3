package dev.shardgate.router.pool;

/** A pool's counters at one moment, for SHOW pools and metrics. */
public record PoolStats(PoolKey key, int total, int idle, int active, int waiting, int limit) {
}
