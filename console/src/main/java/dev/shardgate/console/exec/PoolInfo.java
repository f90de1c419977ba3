package dev.shardgate.console.exec;

/**
 * One backend pool (per shard, database, user and host), a row of {@code SHOW pools}.
 *
 * @param active  connections lent to clients
 * @param idle    connections ready in the pool
 * @param waiting clients waiting for a connection
 * @param limit   the most connections the pool opens to this host
 * @param host    {@code host:port} of the shard's host
 */
public record PoolInfo(String shardId, String database, String user, int active, int idle, int waiting, int limit,
                       String host) {
}
