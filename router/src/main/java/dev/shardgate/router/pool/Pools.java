package dev.shardgate.router.pool;

import dev.shardgate.console.exec.BackendInfo;
import dev.shardgate.console.exec.HostInfo;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.Shard;
import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.HealthSettings;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.ShardLogin;
import dev.shardgate.router.config.ShardLinkSettings;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * All backend pools of a router, created on first use from the shards and backend rules, and the
 * health checker that tells them the roles and health of the shards' hosts.
 */
public final class Pools implements HealthChecker.Shards {
    /** The config in force: replaced by {@link #reconfigure}. */
    private volatile RouterConfig config;
    private final Supplier<Metadata> metadata;
    private final BackendConnector connector;
    private final ConcurrentHashMap<PoolKey, BackendPool> pools = new ConcurrentHashMap<>();
    /** Per shard, who checks its hosts when health_check names nobody: its first pool's login. */
    private final ConcurrentHashMap<String, HealthChecker.Credentials> firstPool = new ConcurrentHashMap<>();
    private final HealthChecker checker;
    private final ShardPauses pauses;

    public Pools(RouterConfig config, Supplier<Metadata> metadata, BackendConnector connector) {
        this.config = config;
        this.metadata = metadata;
        this.connector = connector;
        HealthSettings health = config.health();
        ShardLinkSettings links = config.shardLinks();
        // checks connect and log in within health_check_timeout, on plain sockets off the event loops,
        // with the shards' TLS
        ShardLinkSettings checkLinks = new ShardLinkSettings(health.timeout(), links.tcpKeepalive(), links.tcpKeepIdle(),
                links.tcpKeepInterval(), links.tcpKeepCount(), links.queryTimeout(), links.cancelWaitTimeout());
        this.checker = new HealthChecker(health, connector.forChecks(checkLinks), this);
        this.pauses = new ShardPauses(config.pauseTimeout());
    }

    /** Starts checking hosts (the router does; tests of pools alone need not). */
    public void startHealthChecks() {
        checker.start();
    }

    /**
     * A reload changed rules or pool_wait_timeout: each pool takes its pair's new backend rule. A
     * pool whose rule is gone is dropped: its idle connections close now, lent ones as they come
     * back, and the pair's next transaction is refused for want of a rule (see {@link #pool}).
     * Pools of later pairs are made from {@code next}.
     */
    public void reconfigure(RouterConfig next) {
        config = next;
        pauses.timeoutIs(next.pauseTimeout());
        for (BackendPool pool : pools.values()) {
            PoolKey key = pool.key();
            var rule = next.backendRuleFor(key.database(), key.user());
            if (rule.isPresent()) {
                ShardLogin login = next.loginFor(key.shard(), key.database(), key.user(), rule.get());
                if (!rule.get().equals(pool.rule()) || !login.equals(pool.login())
                        || !next.poolWaitTimeout().equals(pool.waitTimeout())) {
                    pool.ruleChanged(rule.get(), login, next.poolWaitTimeout());
                }
            } else if (pools.remove(key, pool)) {
                pool.close("the backend rule for user \"" + key.user() + "\" and database \"" + key.database()
                        + "\" was removed by a configuration reload");
            }
        }
    }

    public BackendPool pool(String shard, String database, String user) {
        PoolKey key = new PoolKey(shard, database, user);
        BackendPool pool = pools.get(key);
        return pool != null ? pool : pools.computeIfAbsent(key, this::create);
    }

    /**
     * The metadata's hosts of the shard: for a shard of router.yaml too, since the router registers
     * it there at start and SWITCHOVER or ALTER SHARD change them there; router.yaml's only for a
     * shard the metadata lacks.
     */
    private List<String> hostsOf(String shard) {
        return hostsOf(shard, metadata.get(), config);
    }

    /** See {@link #hostsOf(String)}. */
    public static List<String> hostsOf(String shard, Metadata metadata, RouterConfig config) {
        return metadata.shard(shard).map(Shard::hosts).or(() -> Optional.ofNullable(config.shards().get(shard))
                .map(ShardConfig::hosts)).orElse(List.of());
    }

    private static List<BackendAddress> addresses(String shard, List<String> hosts) {
        List<BackendAddress> addresses = new ArrayList<>(hosts.size());
        for (String host : hosts) {
            addresses.add(BackendAddress.parse(shard, host));
        }
        return addresses;
    }

    private BackendPool create(PoolKey key) {
        List<String> hosts = hostsOf(key.shard());
        if (hosts.isEmpty()) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + key.shard() + "\" does not exist or has no hosts");
        }
        BackendRule rule = config.backendRuleFor(key.database(), key.user())
                .orElseThrow(() -> new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "no backend rule for user \"" + key.user() + "\" and database \"" + key.database() + "\""));
        HealthSettings health = config.health();
        ShardLogin login = config.loginFor(key.shard(), key.database(), key.user(), rule);
        BackendPool pool = new BackendPool(key, addresses(key.shard(), hosts), rule, login, config.poolWaitTimeout(), connector,
                checker::health, checker::checkSoon, health.fails(),
                new HostChoice.LagLimit(health.maxLagBytes(), health.maxLagTime()), pauses);
        firstPool.putIfAbsent(key.shard(), new HealthChecker.Credentials(login.database(), login.user(), login.password()));
        return pool;
    }

    @Override
    public Map<String, List<BackendAddress>> hosts() {
        Map<String, List<BackendAddress>> all = new LinkedHashMap<>();
        for (String shard : metadata.get().shards().keySet()) {
            all.put(shard, addresses(shard, hostsOf(shard)));
        }
        config.shards().forEach((shard, configured) -> all.putIfAbsent(shard, addresses(shard, configured.hosts())));
        return all;
    }

    /**
     * The health_check section's login; else the login of the shard's first pool (known to work);
     * else, before any client used the shard, the first backend rule naming a database and user.
     */
    @Override
    public HealthChecker.Credentials credentials(String shard) {
        HealthSettings health = config.health();
        if (health.hasOwnCredentials()) {
            return new HealthChecker.Credentials(health.database(), health.user(), health.password());
        }
        HealthChecker.Credentials first = firstPool.get(shard);
        if (first != null) {
            return first;
        }
        for (BackendRule rule : config.backendRules()) {
            if (!rule.poolDefault()) {
                ShardLogin login = config.loginFor(shard, rule.db(), rule.usr(), rule);
                return new HealthChecker.Credentials(login.database(), login.user(), login.password());
            }
        }
        return null;
    }

    @Override
    public void hostsAre(String shard, List<BackendAddress> hosts) {
        for (BackendPool pool : pools.values()) {
            if (pool.key().shard().equals(shard)) {
                pool.hostsAre(hosts);
            }
        }
    }

    @Override
    public void roleChanged(BackendAddress host, long nanos) {
        for (BackendPool pool : pools.values()) {
            if (pool.key().shard().equals(host.shard())) {
                pool.roleChanged(host, nanos);
            }
        }
    }

    /** PAUSE and RESUME of shards. */
    public ShardPauses pauses() {
        return pauses;
    }

    /** Backend connections of {@code shard} (empty: of every shard) lent to clients now: transactions in flight. */
    public int inFlight(java.util.Optional<String> shard) {
        int lent = 0;
        for (BackendPool pool : pools.values()) {
            if (shard.isEmpty() || pool.key().shard().equals(shard.get())) {
                for (PoolStats stats : pool.stats()) {
                    lent += stats.active();
                }
            }
        }
        return lent;
    }

    /** See {@link HealthChecker#awaitFreshRound}: after a switchover, roles are learned before traffic resumes. */
    public boolean awaitFreshCheck(Duration timeout) {
        return checker.awaitFreshRound(timeout);
    }

    public List<PoolStats> stats() {
        List<PoolStats> all = new ArrayList<>();
        pools.values().forEach(pool -> all.addAll(pool.stats()));
        return all;
    }

    public List<BackendInfo> backendConnections() {
        List<BackendInfo> all = new ArrayList<>();
        pools.values().forEach(pool -> all.addAll(pool.connections()));
        return all;
    }

    /** SHOW hosts: every host of every shard, in shard and list order. */
    public List<HostInfo> hostInfos() {
        List<HostInfo> rows = new ArrayList<>();
        for (Map.Entry<String, List<BackendAddress>> shard : hosts().entrySet()) {
            String conflict = checker.conflict(shard.getKey());
            for (BackendAddress address : shard.getValue()) {
                HostHealth health = checker.health(address);
                HostStatus s = health.status();
                int connections = 0;
                for (BackendPool pool : pools.values()) {
                    if (pool.key().shard().equals(shard.getKey())) {
                        connections += pool.connectionsTo(address);
                    }
                }
                String error = s.lastError();
                if (error == null && conflict != null && s.role() == HostRole.PRIMARY) {
                    error = conflict;
                }
                rows.add(new HostInfo(shard.getKey(), health.hostPort(), s.role().toString(), s.state(),
                        s.lagBytes() < 0 ? null : Long.toString(s.lagBytes()),
                        s.lagSeconds() < 0 ? null : String.format(Locale.ROOT, "%.3f", s.lagSeconds()),
                        connections, s.lastCheck() == null ? null : s.lastCheck().toString(), error));
            }
        }
        return rows;
    }

    public void close() {
        checker.close();
        pools.values().forEach(BackendPool::close);
    }
}
