package dev.shardgate.router.status;

import dev.shardgate.console.exec.BackendInfo;
import dev.shardgate.console.exec.ClientInfo;
import dev.shardgate.console.exec.PoolInfo;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.router.RouterContext;
import dev.shardgate.router.pool.PoolStats;

import java.util.ArrayList;
import java.util.List;

/** The router's live state for the console's SHOW clients, pools, backend_connections, hosts, pauses, version, status. */
public final class LiveStatus implements RouterStatus {
    private final RouterContext context;
    private volatile boolean open = true;

    public LiveStatus(RouterContext context) {
        this.context = context;
    }

    public void closed() {
        open = false;
    }

    @Override
    public List<ClientInfo> clients() {
        List<ClientInfo> clients = new ArrayList<>();
        context.sessions().forEach(session -> clients.add(session.info()));
        return clients;
    }

    @Override
    public List<PoolInfo> pools() {
        List<PoolInfo> pools = new ArrayList<>();
        for (PoolStats stats : context.pools().stats()) {
            pools.add(new PoolInfo(stats.key().shard(), stats.key().database(), stats.key().user(),
                    stats.active(), stats.idle(), stats.waiting(), stats.limit(), stats.host()));
        }
        return pools;
    }

    @Override
    public List<BackendInfo> backendConnections() {
        return context.pools().backendConnections();
    }

    @Override
    public List<dev.shardgate.console.exec.StatsInfo> stats() {
        return dev.shardgate.router.metrics.StatsTable.rows(context.metrics());
    }

    @Override
    public List<dev.shardgate.console.exec.HostInfo> hosts() {
        return context.pools().hostInfos();
    }

    @Override
    public List<dev.shardgate.console.exec.PauseInfo> pauses() {
        return context.pools().pauses().pauses().stream()
                .map(p -> new dev.shardgate.console.exec.PauseInfo(p.shard(), p.reason(), p.since().toString(),
                        p.expires() == null ? null : p.expires().toString()))
                .toList();
    }

    @Override
    public String version() {
        String version = LiveStatus.class.getPackage().getImplementationVersion();
        return "Shardgate " + (version == null ? "dev" : version);
    }

    @Override
    public String status() {
        return open ? "OPEN" : "CLOSED";
    }
}
