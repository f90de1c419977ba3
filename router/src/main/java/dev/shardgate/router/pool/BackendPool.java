package dev.shardgate.router.pool;

import dev.shardgate.router.config.ShardLogin;

import dev.shardgate.console.exec.BackendInfo;
import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Connections to one shard for one (database, user): one {@link HostPool} per host of the shard,
 * each with at most {@code connection_limit} connections. {@link #acquire} picks the host by the
 * transaction's {@link TargetSessionAttrs} and the hosts' roles and health ({@link HostChoice});
 * release and discard go to the pool of the connection's host.
 *
 * <p>A shard with one host pays nothing for this: acquire reads two volatile fields and goes to
 * that host's pool, down or not (with nothing to choose from, trying the host gives the client the
 * server's own error within server_connect_timeout, and works again the moment the host is back).
 */
public final class BackendPool {
    private static final int MAX_GREETINGS = 256;

    private final PoolKey key;
    /** The rule, login and wait timeout in force; a reload replaces them ({@link #ruleChanged}). */
    private volatile BackendRule rule;
    /** Who its connections log in as: the client's database and user, unless the configuration names others. */
    private volatile ShardLogin login;
    private volatile Duration waitTimeout;
    private final int failsToDown;
    private final HostChoice.LagLimit lag;
    private final BackendConnector connector;
    private final Function<BackendAddress, HostHealth> healthOf;
    private final java.util.function.Consumer<BackendAddress> checkSoon;
    private final ShardPauses pauses;
    /** The shard's hosts now, in the configured order; replaced whole when the list changes. */
    private volatile HostPool[] hosts;
    /** Every host pool this shard had, those of removed hosts included, to take their connections back. */
    private final ConcurrentHashMap<BackendAddress, HostPool> byAddress = new ConcurrentHashMap<>();
    /** Breaks ties between equally busy hosts; races between threads only shuffle the turn. */
    private int rotation;
    /** What a fresh backend reported at login: the server's defaults for this database and user; null before the first. */
    private volatile Map<String, String> serverDefaults;
    /** When the last attempt to open a backend failed (System.nanoTime), or 0. */
    private volatile long unreachableSince;
    /** The ParameterStatus values of a login, by the client's settings (see {@link #greeting}). */
    private final ConcurrentHashMap<Map<String, String>, Map<String, String>> greetings = new ConcurrentHashMap<>();

    public BackendPool(PoolKey key, List<BackendAddress> addresses, BackendRule rule, Duration waitTimeout,
                       BackendConnector connector, Function<BackendAddress, HostHealth> healthOf,
                       java.util.function.Consumer<BackendAddress> checkSoon, int failsToDown, HostChoice.LagLimit lag,
                       ShardPauses pauses) {
        this(key, addresses, rule, new ShardLogin(key.database(), key.user(), rule.authRule().password()), waitTimeout,
                connector, healthOf, checkSoon, failsToDown, lag, pauses);
    }

    /** A pool whose connections log in as {@code login} (router.yaml's per-shard db, usr and pwd). */
    public BackendPool(PoolKey key, List<BackendAddress> addresses, BackendRule rule, ShardLogin login, Duration waitTimeout,
                       BackendConnector connector, Function<BackendAddress, HostHealth> healthOf,
                       java.util.function.Consumer<BackendAddress> checkSoon, int failsToDown, HostChoice.LagLimit lag,
                       ShardPauses pauses) {
        this.key = key;
        this.rule = rule;
        this.login = login;
        this.waitTimeout = waitTimeout;
        this.connector = connector;
        this.healthOf = healthOf;
        this.checkSoon = checkSoon;
        this.pauses = pauses;
        this.failsToDown = failsToDown;
        this.lag = lag;
        this.hosts = new HostPool[0];
        hostsAre(addresses);
    }

    /** A pool whose hosts are never checked (tests): roles come from logins. */
    public BackendPool(PoolKey key, List<BackendAddress> addresses, BackendRule rule, Duration waitTimeout,
                       BackendConnector connector) {
        this(key, addresses, rule, waitTimeout, connector, HostHealth::new, address -> { }, Integer.MAX_VALUE,
                HostChoice.LagLimit.NONE, new ShardPauses(waitTimeout));
    }

    public PoolKey key() {
        return key;
    }

    /** The backend rule this pool was made from: credentials, limit, reset on release. */
    public BackendRule rule() {
        return rule;
    }

    /**
     * RELOAD changed the backend rule, the shard login or pool_wait_timeout: the next transactions
     * wait and log in by the new ones, and every host's pool moves to the new connection_limit
     * without closing a connection in use.
     */
    public synchronized void ruleChanged(BackendRule newRule, ShardLogin newLogin, Duration newWaitTimeout) {
        rule = newRule;
        login = newLogin;
        waitTimeout = newWaitTimeout;
        for (HostPool pool : byAddress.values()) {
            pool.ruleChanged(newRule.connectionLimit(), newLogin);
        }
    }

    /** Who its connections log in as: what the health checker logs in with by default. */
    ShardLogin login() {
        return login;
    }

    /**
     * The shard's host list changed (router.yaml, or ALTER SHARD through the QDB): new hosts get a
     * pool, a removed host's pool takes no new transactions and closes its idle connections.
     */
    public synchronized void hostsAre(List<BackendAddress> addresses) {
        Map<BackendAddress, HostPool> now = new LinkedHashMap<>();
        for (HostPool pool : hosts) {
            now.put(pool.health.address(), pool);
        }
        List<HostPool> next = new ArrayList<>();
        boolean changed = addresses.size() != hosts.length;
        for (BackendAddress address : addresses) {
            HostPool pool = now.remove(address);
            if (pool == null) {
                changed = true;
                pool = new HostPool(key, healthOf.apply(address), login, rule.connectionLimit(), failsToDown, connector);
                byAddress.put(address, pool);
            }
            next.add(pool);
        }
        if (!changed && now.isEmpty()) {
            return;
        }
        hosts = next.toArray(HostPool[]::new);
        for (HostPool removed : now.values()) {
            removed.close("host " + removed.health.hostPort() + " was removed from shard \"" + key.shard() + "\"");
        }
    }

    /**
     * Hands out a connection to a host of the shard that {@code attrs} allows (libpq's
     * target_session_attrs; {@code smart-read-write} is the session's to resolve and counts as
     * read-write here): an idle one, a new one below the host's limit, or one released within the
     * pool wait timeout. A client's cancel request ends the wait with 57014, as it would end a query.
     *
     * @throws PgException 08001/08006 naming the shard and why no host fits
     */
    public BackendConnection acquire(TargetSessionAttrs attrs, BooleanSupplier cancelled) throws IOException {
        return acquire(attrs, cancelled, lag);
    }

    /**
     * Like {@link #acquire(TargetSessionAttrs, BooleanSupplier)} for a session that reads its own
     * writes: its last write on this shard committed before {@code wroteAtNanos} (System.nanoTime, 0:
     * none), so a standby serves it only once it has replayed the primary's WAL position of a health
     * check sent after that — no query of its own per transaction; until such a check, or when no
     * standby has replayed that far, the read goes to the primary.
     */
    public BackendConnection acquire(TargetSessionAttrs attrs, BooleanSupplier cancelled, long wroteAtNanos)
            throws IOException {
        HostPool[] current = hosts;
        if (wroteAtNanos == 0 || current.length == 1 || !mayUseStandby(attrs)) {
            return acquire(attrs, cancelled, lag);
        }
        long past = -1;
        for (HostPool pool : current) {
            past = Math.max(past, pool.health.primaryWalCheckedAfter(wroteAtNanos));
        }
        if (past < 0) {
            return acquire(TargetSessionAttrs.PRIMARY, cancelled, lag);
        }
        try {
            return acquire(attrs, cancelled, lag.replayedPast(past));
        } catch (PgException e) {
            if (e.sqlState() != SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION) {
                throw e;
            }
            return acquire(TargetSessionAttrs.PRIMARY, cancelled, lag); // no standby has replayed the write yet
        }
    }

    private static boolean mayUseStandby(TargetSessionAttrs attrs) {
        return switch (attrs) {
            case READ_ONLY, STANDBY, PREFER_STANDBY, ANY -> true;
            case READ_WRITE, PRIMARY, SMART_READ_WRITE -> false;
        };
    }

    private BackendConnection acquire(TargetSessionAttrs attrs, BooleanSupplier cancelled, HostChoice.LagLimit lag)
            throws IOException {
        pauses.awaitOpen(key.shard(), cancelled); // before the pool wait starts: a pause does not eat pool_wait_timeout
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        HostPool[] current = hosts;
        if (current.length == 1) {
            HostPool only = current[0];
            HostStatus status = only.health.status();
            if (status.role() != HostRole.UNKNOWN && !admits(attrs, status)) {
                throw refusal(attrs, current);
            }
            BackendConnection connection = take(only, deadline, cancelled);
            if (status.role() == HostRole.UNKNOWN && !admits(attrs, only.health.status())) {
                only.release(connection); // its login showed a role that does not fit
                throw refusal(attrs, current);
            }
            return connection;
        }
        PgException probeFailed = null;
        for (int attempt = 0; attempt <= current.length; attempt++) {
            List<HostChoice.Candidate> candidates = new ArrayList<>(current.length);
            for (HostPool pool : current) {
                candidates.add(new HostChoice.Candidate(pool.health.hostPort(), pool.health.status(), pool.busy()));
            }
            HostPool chosen;
            try {
                chosen = current[HostChoice.choose(key.shard(), attrs, candidates, lag, rotation++)];
            } catch (PgException e) {
                throw probeFailed != null ? probeFailed : e;
            }
            boolean roleWasUnknown = chosen.health.status().role() == HostRole.UNKNOWN;
            BackendConnection connection;
            try {
                connection = take(chosen, deadline, cancelled);
            } catch (PgException e) {
                if (!roleWasUnknown || e.sqlState() != SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION) {
                    throw e;
                }
                probeFailed = e; // a host not checked yet did not answer: its failure is on record, choose again
                continue;
            }
            if (!roleWasUnknown || admits(attrs, chosen.health.status())) {
                return connection;
            }
            chosen.release(connection); // learned its role at login: not the one asked for, choose again
        }
        throw probeFailed != null ? probeFailed : refusal(attrs, current);
    }

    /**
     * A connection to any host that is not down, whatever its role, lag or a two-primary conflict:
     * for a login that only needs the server's parameters and gives the backend back at once.
     */
    public BackendConnection acquireAnyHost(BooleanSupplier cancelled) throws IOException {
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        HostPool[] current = hosts;
        HostPool chosen = current[0];
        int start = Math.floorMod(rotation++, current.length);
        for (int pass = 0; pass < 2 && current.length > 1; pass++) {
            boolean found = false;
            for (int k = 0; k < current.length && !found; k++) {
                HostPool pool = current[(start + k) % current.length];
                HostStatus status = pool.health.status();
                if (!status.down() && (pass == 1 || status.lastError() == null)) {
                    chosen = pool;
                    found = true;
                }
            }
            if (found) {
                break;
            }
        }
        return take(chosen, deadline, cancelled);
    }

    /** Like {@link #acquire(TargetSessionAttrs, BooleanSupplier)} for a read-write transaction. */
    public BackendConnection acquire(BooleanSupplier cancelled) throws IOException {
        return acquire(TargetSessionAttrs.READ_WRITE, cancelled);
    }

    private boolean admits(TargetSessionAttrs attrs, HostStatus status) {
        return HostChoice.fits(attrs, status, lag, false)
                || (attrs == TargetSessionAttrs.PREFER_STANDBY && HostChoice.fits(TargetSessionAttrs.PRIMARY, status, lag, false));
    }

    private PgException refusal(TargetSessionAttrs attrs, HostPool[] current) {
        List<HostChoice.Candidate> candidates = new ArrayList<>();
        for (HostPool pool : current) {
            HostStatus status = pool.health.status();
            // a single host is never passed over for being down (see the class comment): only its role counts
            candidates.add(new HostChoice.Candidate(pool.health.hostPort(), status, pool.busy()));
        }
        try {
            HostChoice.choose(key.shard(), attrs, candidates, lag, 0);
        } catch (PgException e) {
            return e;
        }
        return new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "shard \"" + key.shard() + "\" has no host for target_session_attrs " + attrs);
    }

    private BackendConnection take(HostPool pool, long deadline, BooleanSupplier cancelled) throws IOException {
        BackendConnection connection;
        try {
            connection = pool.acquire(deadline, waitTimeout.toMillis(), cancelled);
        } catch (PgException e) {
            if (e.sqlState() == SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION) {
                unreachableSince = System.nanoTime() | 1;
            }
            throw e;
        }
        if (serverDefaults == null) {
            serverDefaults = connection.serverDefaults();
        }
        if (unreachableSince != 0) {
            unreachableSince = 0;
        }
        return connection;
    }

    /**
     * True when the last attempt to open a backend failed within {@code window}: a login that may
     * use any shard tries this one last.
     */
    public boolean recentlyUnreachable(Duration window) {
        long since = unreachableSince;
        return since != 0 && System.nanoTime() - since < window.toNanos();
    }

    /** What a fresh backend of this pool reported at login; null before any backend connected. */
    public Map<String, String> serverDefaults() {
        return serverDefaults;
    }

    /**
     * The parameter values a backend reported after taking the client settings {@code settings}, as
     * remembered from an earlier login with the same settings; null if there was none. A client
     * in transaction pooling then logs in without a backend, as with PgBouncer: a backend at every
     * login deadlocks clients that connect while their own thread holds a backend in a
     * transaction (pgbench -C), and costs a pool round trip per connection.
     */
    public Map<String, String> greeting(Map<String, String> settings) {
        return greetings.get(settings);
    }

    public void rememberGreeting(Map<String, String> settings, Map<String, String> reported) {
        if (greetings.size() >= MAX_GREETINGS) {
            greetings.clear(); // many distinct settings: forget, the next logins take backends again
        }
        greetings.put(settings, Map.copyOf(reported));
    }

    /** Returns a connection that is idle (ReadyForQuery 'I') and clean to the pool of its host. */
    public void release(BackendConnection connection) {
        hostOf(connection).release(connection);
    }

    /** Closes a connection whose state is unknown or broken and frees its slot. */
    public void discard(BackendConnection connection) {
        hostOf(connection).discard(connection);
    }

    /**
     * The connection broke while a client used it: closed like {@link #discard}, and its host is
     * checked at once rather than at the next interval (a terminated backend is no sign of a host
     * down; a check tells).
     */
    public void lost(BackendConnection connection) {
        discard(connection);
        checkSoon.accept(connection.address());
    }

    private HostPool hostOf(BackendConnection connection) {
        HostPool[] current = hosts;
        if (current.length == 1 && current[0].health.address() == connection.address()) {
            return current[0];
        }
        HostPool pool = byAddress.get(connection.address());
        if (pool == null) {
            throw new IllegalStateException(connection + " is not of " + key);
        }
        return pool;
    }

    /** Closes idle connections to {@code address} opened before its role changed. */
    void roleChanged(BackendAddress address, long nanos) {
        HostPool pool = byAddress.get(address);
        if (pool != null) {
            pool.closeIdleOpenedBefore(nanos);
        }
    }

    /** The open connections, idle in the pool or lent to a client, with their transaction state. */
    public List<BackendInfo> connections() {
        List<BackendInfo> infos = new ArrayList<>();
        for (HostPool pool : byAddress.values()) {
            infos.addAll(pool.connections());
        }
        return infos;
    }

    /** One row per current host. */
    public List<PoolStats> stats() {
        List<PoolStats> stats = new ArrayList<>();
        for (HostPool pool : hosts) {
            stats.add(pool.stats());
        }
        return stats;
    }

    /** Connections to {@code address} open now, idle or lent out. */
    int connectionsTo(BackendAddress address) {
        HostPool pool = byAddress.get(address);
        return pool == null ? 0 : pool.stats().total();
    }

    public void close() {
        close("router is shutting down");
    }

    /** No new transactions ({@code because} is their 57P01 message); idle connections close now, lent ones when given back. */
    public void close(String because) {
        for (HostPool pool : byAddress.values()) {
            pool.close(because);
        }
    }

    /** How long a transaction waits for a free connection (pool_wait_timeout in force). */
    public Duration waitTimeout() {
        return waitTimeout;
    }
}
