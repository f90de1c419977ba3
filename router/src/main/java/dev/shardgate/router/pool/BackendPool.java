package dev.shardgate.router.pool;

import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.loop.EventLoop;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Connections to one shard for one (database, user), at most {@code connectionLimit} of them. A client
 * waits up to the pool wait timeout for a free connection and then gets a clear error.
 */
public final class BackendPool {
    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);
    /** An idle connection older than this is checked with an empty query before it is handed out. */
    private static final long CHECK_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int MAX_GREETINGS = 256;

    private final PoolKey key;
    private final List<BackendAddress> addresses;
    private final BackendRule rule;
    private final String password;
    private final int connectionLimit;
    private final Duration waitTimeout;
    private final BackendConnector connector;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
    /** Every open connection, idle or lent out, for SHOW backend_connections. */
    private final java.util.Set<BackendConnection> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int total;
    /** What a fresh backend reported at login: the server's defaults for this database and user; null before the first. */
    private volatile Map<String, String> serverDefaults;
    /** When the last attempt to open a backend failed on every host (System.nanoTime), or 0. */
    private volatile long unreachableSince;
    /** The ParameterStatus values of a login, by the client's settings (see {@link #greeting}). */
    private final ConcurrentHashMap<Map<String, String>, Map<String, String>> greetings = new ConcurrentHashMap<>();
    private int waiting;
    private volatile boolean closed;

    public BackendPool(PoolKey key, List<BackendAddress> addresses, BackendRule rule, Duration waitTimeout,
                       BackendConnector connector) {
        this.key = key;
        this.addresses = List.copyOf(addresses);
        this.rule = rule;
        this.password = rule.authRule() == null ? null : rule.authRule().password();
        this.connectionLimit = rule.connectionLimit();
        this.waitTimeout = waitTimeout;
        this.connector = connector;
    }

    public PoolKey key() {
        return key;
    }

    /** The backend rule this pool was made from: credentials, limit, reset on release. */
    public BackendRule rule() {
        return rule;
    }

    /** A wait for a connection is checked this often for a cancel request. */
    private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * Hands out an idle connection, opens a new one below the limit, or waits for one to be
     * released; a client's cancel request ends the wait with 57014, as it would end a query.
     */
    public BackendConnection acquire(java.util.function.BooleanSupplier cancelled) throws IOException {
        return acquire(TargetSessionAttrs.READ_WRITE, cancelled);
    }

    /**
     * Like {@link #acquire(java.util.function.BooleanSupplier)}, on a host of the shard that
     * {@code attrs} allows ({@code smart-read-write} is the session's to resolve, never passed here).
     */
    public BackendConnection acquire(TargetSessionAttrs attrs, java.util.function.BooleanSupplier cancelled)
            throws IOException {
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        while (true) {
            BackendConnection candidate = null;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new PgException(SqlState.ADMIN_SHUTDOWN, "router is shutting down");
                    }
                    candidate = takeIdle();
                    if (candidate != null || total < connectionLimit) {
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new PgException(SqlState.TOO_MANY_CONNECTIONS,
                                "no free backend connection for " + key + " within " + waitTimeout.toMillis()
                                        + " ms (connection_limit " + connectionLimit + " reached)")
                                .withHint("Raise connection_limit in the backend rule or pool_wait_timeout.");
                    }
                    if (cancelled.getAsBoolean()) {
                        throw new PgException(SqlState.QUERY_CANCELED,
                                "canceling statement due to user request while waiting for a backend connection of " + key);
                    }
                    waiting++;
                    try {
                        released.awaitNanos(Math.min(left, CANCEL_CHECK_NANOS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new PgException(SqlState.QUERY_CANCELED, "interrupted while waiting for a backend connection");
                    } finally {
                        waiting--;
                    }
                }
                if (candidate == null) {
                    total++;
                }
            } finally {
                lock.unlock();
            }
            if (candidate == null) {
                return open();
            }
            if (isHealthy(candidate)) {
                return candidate;
            }
            log.info("event=backend_replaced {} pid={} reason=broken_while_idle", key, candidate.processId());
            discard(candidate);
        }
    }

    /**
     * The most recently released idle connection watched by the caller's event loop, else the most
     * recently released one: a backend that stays on its loop costs no move between epoll sets.
     */
    private BackendConnection takeIdle() {
        EventLoop here = EventLoop.current();
        if (here != null) {
            for (var it = idle.descendingIterator(); it.hasNext(); ) {
                BackendConnection connection = it.next();
                if (connection.loop() == here) {
                    it.remove();
                    return connection;
                }
            }
        }
        return idle.pollLast();
    }

    private BackendConnection open() throws IOException {
        IOException last = null;
        try {
            for (BackendAddress address : addresses) {
                try {
                    BackendConnection connection = connector.connect(address, key.database(), key.user(), password);
                    serverDefaults = connection.serverDefaults();
                    unreachableSince = 0;
                    open.add(connection);
                    log.debug("event=backend_opened {} host={} pid={}", key, address, connection.processId());
                    return connection;
                } catch (IOException e) {
                    last = e;
                    log.warn("event=backend_connect_failed {} host={} error=\"{}\"", key, address, e.toString());
                }
            }
        } catch (RuntimeException e) {
            forget();
            throw e;
        }
        forget();
        unreachableSince = System.nanoTime() | 1;
        throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                "could not connect to shard \"" + key.shard() + "\": " + (last == null ? "no hosts" : last.getMessage()));
    }

    /**
     * True when the last attempt to open a backend failed on every host within {@code window}: a
     * login that may use any shard tries this one last.
     */
    public boolean recentlyUnreachable(java.time.Duration window) {
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

    private boolean isHealthy(BackendConnection connection) {
        if (connection.isBroken() || connection.hasUnexpectedInput()) {
            return false;
        }
        if (connection.idleNanos() < CHECK_AFTER_IDLE_NANOS) {
            return true;
        }
        return BackendQueries.ping(connection);
    }

    /** Returns a connection that is idle (ReadyForQuery 'I') and clean. */
    public void release(BackendConnection connection) {
        if (connection.isBroken()) {
            discard(connection);
            return;
        }
        connection.touch();
        lock.lock();
        try {
            if (closed) {
                total--;
                open.remove(connection);
                connection.close();
                return;
            }
            idle.addLast(connection);
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Closes a connection whose state is unknown or broken and frees its slot. */
    public void discard(BackendConnection connection) {
        open.remove(connection);
        connection.close();
        forget();
    }

    private void forget() {
        lock.lock();
        try {
            total--;
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The open connections, idle in the pool or lent to a client, with their transaction state. */
    public java.util.List<dev.shardgate.console.exec.BackendInfo> connections() {
        java.util.List<dev.shardgate.console.exec.BackendInfo> infos = new java.util.ArrayList<>();
        for (BackendConnection c : open) {
            infos.add(new dev.shardgate.console.exec.BackendInfo(Integer.toString(c.processId()), key.shard(),
                    c.address().host() + ":" + c.address().port(), c.processId(), key.user(), key.database(),
                    c.transactionState(), c.transactionsServed()));
        }
        return infos;
    }

    public PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(key, total, idle.size(), total - idle.size(), waiting, connectionLimit);
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        lock.lock();
        try {
            closed = true;
            for (BackendConnection connection : idle) {
                open.remove(connection);
                connection.close();
                total--;
            }
            idle.clear();
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
