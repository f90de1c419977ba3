package dev.shardgate.router;

import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.cancel.CancelRegistry;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.pool.Pools;
import dev.shardgate.router.session.PreparedStatements;

/** What every client session of one router shares. */
public record RouterContext(RouterConfig config, Pools pools, CancelRegistry cancels, PreparedStatements.Names statementNames) {
    public static RouterContext create(RouterConfig config) {
        BackendConnector connector = new BackendConnector(config.maxMessageLength());
        return new RouterContext(config, new Pools(config, connector), new CancelRegistry(), new PreparedStatements.Names());
    }

    /**
     * The shard a transaction goes to. Until key-range routing lands every transaction goes to the
     * first shard of the configuration.
     */
    public String shardForTransaction() {
        return config.shards().keySet().iterator().next();
    }
}
