package dev.shardgate.router.pool;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.Shard;
import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** All backend pools of a router, created on first use from the shards and backend rules. */
public final class Pools {
    private final RouterConfig config;
    private final Supplier<Metadata> metadata;
    private final BackendConnector connector;
    private final ConcurrentHashMap<PoolKey, BackendPool> pools = new ConcurrentHashMap<>();

    public Pools(RouterConfig config, Supplier<Metadata> metadata, BackendConnector connector) {
        this.config = config;
        this.metadata = metadata;
        this.connector = connector;
    }

    public BackendPool pool(String shard, String database, String user) {
        PoolKey key = new PoolKey(shard, database, user);
        BackendPool pool = pools.get(key);
        return pool != null ? pool : pools.computeIfAbsent(key, this::create);
    }

    private BackendPool create(PoolKey key) {
        ShardConfig configured = config.shards().get(key.shard());
        List<String> hosts = configured != null ? configured.hosts()
                : metadata.get().shard(key.shard()).map(Shard::hosts).orElse(List.of());
        if (hosts.isEmpty()) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + key.shard() + "\" does not exist or has no hosts");
        }
        BackendRule rule = config.backendRuleFor(key.database(), key.user())
                .orElseThrow(() -> new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "no backend rule for user \"" + key.user() + "\" and database \"" + key.database() + "\""));
        List<BackendAddress> addresses = new ArrayList<>();
        for (String host : hosts) {
            addresses.add(BackendAddress.parse(key.shard(), host));
        }
        return new BackendPool(key, addresses, rule, config.poolWaitTimeout(), connector);
    }

    public List<PoolStats> stats() {
        return pools.values().stream().map(BackendPool::stats).toList();
    }

    public List<dev.shardgate.console.exec.BackendInfo> backendConnections() {
        List<dev.shardgate.console.exec.BackendInfo> all = new ArrayList<>();
        pools.values().forEach(pool -> all.addAll(pool.connections()));
        return all;
    }

    public void close() {
        pools.values().forEach(BackendPool::close);
    }
}
