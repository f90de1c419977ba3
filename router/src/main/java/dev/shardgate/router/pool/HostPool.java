package dev.shardgate.router.pool;

import dev.shardgate.router.config.ShardLogin;

import dev.shardgate.console.exec.BackendInfo;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.loop.EventLoop;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Connections to one host of a shard for one (database, user), at most the backend rule's
 * {@code connection_limit} of them: the limit is per host. A client waits up to the pool wait
 * timeout for a free connection and then gets a clear error.
 */
final class HostPool {
    private static final Logger log = LoggerFactory.getLogger(HostPool.class);
    /** An idle connection older than this is checked with an empty query before it is handed out. */
    private static final long CHECK_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** A wait for a connection is checked this often for a cancel request. */
    private static final long CANCEL_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final PoolKey key;
    final HostHealth health;
    /** Changed by a reload: the login of new connections. */
    private volatile ShardLogin login;
    /** Changed by a reload; read under the lock. */
    private int connectionLimit;
    private final int failsToDown;
    private final BackendConnector connector;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
    /** Every open connection, idle or lent out, for SHOW backend_connections. */
    private final Set<BackendConnection> open = ConcurrentHashMap.newKeySet();
    private int total;
    private int waiting;
    /** Connections lent to clients, read without the lock by the host choice. */
    private volatile int busy;
    /** Closed with the router, or the host left the shard: no new transactions. */
    private volatile boolean closed;
    private volatile String closedBecause = "router is shutting down";

    HostPool(PoolKey key, HostHealth health, ShardLogin login, int connectionLimit, int failsToDown, BackendConnector connector) {
        this.key = key;
        this.health = health;
        this.login = login;
        this.connectionLimit = connectionLimit;
        this.failsToDown = failsToDown;
        this.connector = connector;
    }

    int busy() {
        return busy;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Hands out an idle connection, opens a new one below the limit, or waits for one to be
     * released until {@code deadline}; a client's cancel request ends the wait with 57014.
     */
    BackendConnection acquire(long deadline, long waitMillis, BooleanSupplier cancelled) throws IOException {
        while (true) {
            BackendConnection candidate = null;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new PgException(SqlState.ADMIN_SHUTDOWN, closedBecause);
                    }
                    candidate = takeIdle();
                    if (candidate != null || total < connectionLimit) {
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new PgException(SqlState.TOO_MANY_CONNECTIONS,
                                "no free backend connection for " + key + " host=" + health.hostPort() + " within "
                                        + waitMillis + " ms (connection_limit " + connectionLimit + " per host reached)")
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
                busy++;
            } finally {
                lock.unlock();
            }
            if (candidate == null) {
                return open();
            }
            if (isHealthy(candidate)) {
                return candidate;
            }
            log.info("event=backend_replaced {} host={} pid={} reason=broken_while_idle", key, health.hostPort(), candidate.processId());
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
        BackendConnection connection;
        try {
            ShardLogin as = login; // one reload's login, not parts of two
            connection = connector.connect(health.address(), as.database(), as.user(), as.password());
        } catch (IOException e) {
            forgetLent();
            health.connectFailed(e.getMessage(), failsToDown);
            log.warn("event=backend_connect_failed {} host={} error=\"{}\"", key, health.hostPort(), e.toString());
            throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "could not connect to shard \"" + key.shard() + "\" host " + health.hostPort() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            forgetLent();
            if (e instanceof PgException pg && (pg.sqlState().code().startsWith("08") || pg.sqlState() == SqlState.CANNOT_CONNECT_NOW)) {
                health.connectFailed(pg.getMessage(), failsToDown);
            }
            throw e;
        }
        open.add(connection);
        health.learnedAtLogin(connection.reportedValue("in_hot_standby"), connection.reportedValue("default_transaction_read_only"));
        log.debug("event=backend_opened {} host={} pid={}", key, health.hostPort(), connection.processId());
        return connection;
    }

    private boolean isHealthy(BackendConnection connection) {
        if (connection.isBroken() || connection.hasUnexpectedInput()) {
            return false;
        }
        if (connection.openedNanos() < health.roleChangedNanos()) {
            return false; // opened when the host had another role: its session may say so (in_hot_standby)
        }
        if (connection.idleNanos() < CHECK_AFTER_IDLE_NANOS) {
            return true;
        }
        return BackendQueries.ping(connection);
    }

    /** Returns a connection that is idle (ReadyForQuery 'I') and clean. */
    void release(BackendConnection connection) {
        if (connection.isBroken() || connection.openedNanos() < health.roleChangedNanos()) {
            discard(connection);
            return;
        }
        connection.touch();
        lock.lock();
        try {
            busy--;
            if (closed || total > connectionLimit) {
                // closed, or connection_limit was lowered by a reload: the excess goes as it comes back
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
    void discard(BackendConnection connection) {
        open.remove(connection);
        connection.close();
        forgetLent();
    }

    /** A lent connection is gone: its slot is free. */
    private void forgetLent() {
        lock.lock();
        try {
            busy--;
            total--;
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A reload changed the backend rule: a lower limit closes idle connections above it now and
     * lent ones as they come back (no transaction is cut); a higher one lets waiting clients open
     * connections at once. New connections log in as {@code newLogin}.
     */
    void ruleChanged(int limit, ShardLogin newLogin) {
        login = newLogin;
        lock.lock();
        try {
            connectionLimit = limit;
            while (total > limit && !idle.isEmpty()) {
                BackendConnection connection = idle.pollFirst();
                open.remove(connection);
                connection.close();
                total--;
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the idle connections opened before {@code nanos}: the host's role changed since. */
    void closeIdleOpenedBefore(long nanos) {
        lock.lock();
        try {
            for (var it = idle.iterator(); it.hasNext(); ) {
                BackendConnection connection = it.next();
                if (connection.openedNanos() < nanos) {
                    it.remove();
                    open.remove(connection);
                    connection.close();
                    total--;
                }
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    List<BackendInfo> connections() {
        List<BackendInfo> infos = new ArrayList<>();
        for (BackendConnection c : open) {
            infos.add(new BackendInfo(Integer.toString(c.processId()), key.shard(), health.hostPort(), c.processId(),
                    key.user(), key.database(), c.transactionState(), c.transactionsServed()));
        }
        return infos;
    }

    PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(key, health.hostPort(), total, idle.size(), total - idle.size(), waiting, connectionLimit);
        } finally {
            lock.unlock();
        }
    }

    /** No new transactions; idle connections close now, lent ones when given back. */
    void close(String because) {
        lock.lock();
        try {
            closedBecause = because;
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
