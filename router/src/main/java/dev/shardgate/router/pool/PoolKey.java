package dev.shardgate.router.pool;

/** Backend connections are pooled per shard, database and user. */
public record PoolKey(String shard, String database, String user) {
    @Override
    public String toString() {
        return "shard=" + shard + " db=" + database + " user=" + user;
    }
}
