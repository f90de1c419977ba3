package dev.shardgate.router.status;

import dev.shardgate.console.exec.BackendInfo;
import dev.shardgate.console.exec.ClientInfo;
import dev.shardgate.console.exec.PoolInfo;
import dev.shardgate.console.exec.FileSetting;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.console.exec.SpqrDurations;
import dev.shardgate.console.exec.TwoPhaseInfo;
import dev.shardgate.console.exec.UserInfo;
import dev.shardgate.router.ConfigReloader;
import dev.shardgate.router.RouterContext;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.ShardLinkSettings;
import dev.shardgate.router.config.ShardLogin;
import dev.shardgate.router.pool.PoolStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The router's live state for the console's SHOW clients, pools, backend_connections, hosts, pauses,
 * users, shards_extended, file_settings, two_phase_tx, version, status.
 */
public final class LiveStatus implements RouterStatus {
    /** What a password looks like in an answer. */
    static final String MASK = "********";

    private final RouterContext context;
    private final ConfigReloader reloader;
    private volatile boolean open = true;

    /** @param reloader reads the config file for SHOW file_settings */
    public LiveStatus(RouterContext context, ConfigReloader reloader) {
        this.context = context;
        this.reloader = reloader;
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

    /**
     * SPQR's connection settings per backend rule; Shardgate's apply to every rule alike, so each row
     * shows the router's: no retries, server_connect_timeout, tcp_keepidle (0s with keepalive off or
     * the kernel's idle time), no TCP_USER_TIMEOUT, health_check_interval.
     */
    @Override
    public List<UserInfo> users() {
        RouterConfig config = context.config();
        ShardLinkSettings links = config.shardLinks();
        String timeout = SpqrDurations.format(links.serverConnectTimeout());
        String keepAlive = SpqrDurations.format(links.tcpKeepalive() ? links.tcpKeepIdle() : Duration.ZERO);
        String pulse = SpqrDurations.format(config.health().interval());
        return config.backendRules().stream()
                .map(rule -> new UserInfo(Objects.requireNonNullElse(rule.usr(), ""),
                        Objects.requireNonNullElse(rule.db(), ""), rule.connectionLimit(), 0, timeout, keepAlive,
                        SpqrDurations.format(Duration.ZERO), pulse))
                .toList();
    }

    /** The shard's section of router.yaml: {@code db}, {@code user}, and {@code password} masked. */
    @Override
    public Map<String, String> shardOptions(String shardId) {
        ShardConfig shard = context.config().shards().get(shardId);
        if (shard == null) {
            return Map.of(); // created on the console: the metadata's hosts are all there is
        }
        Map<String, String> options = new TreeMap<>();
        ShardLogin login = shard.login();
        if (login.database() != null) {
            options.put("db", login.database());
        }
        if (login.user() != null) {
            options.put("user", login.user());
        }
        if (login.password() != null) {
            options.put("password", MASK);
        }
        return options;
    }

    @Override
    public List<FileSetting> fileSettings() {
        return reloader.fileSettings().stream()
                .map(setting -> new FileSetting(setting.name(), setting.setting(), setting.inForce()))
                .toList();
    }

    /** This router's recorded decisions: those whose gid carries its prefix (routers may share a QDB). */
    @Override
    public List<TwoPhaseInfo> twoPhaseTransactions() {
        List<TwoPhaseInfo> rows = new ArrayList<>();
        context.commitDecisions().all(context.transactionIds().prefix())
                .forEach((gid, shards) -> rows.add(new TwoPhaseInfo(gid, "committing", String.join(",", shards))));
        return rows;
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
