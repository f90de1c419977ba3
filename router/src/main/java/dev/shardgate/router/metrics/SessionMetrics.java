package dev.shardgate.router.metrics;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * One client session's recorder. Per client message it adds to a plain field (and reads the clock
 * once per statement); per answered statement it adds to the cached label children of the shard
 * (one reference comparison finds them while the session stays on one pool), so the hot path has no
 * map lookup, lock or allocation.
 *
 * <p>The session thread calls {@link #messageIn}, the thread relaying a backend's answers
 * {@link #sent} and {@link #ready}; those alternate per statement, so the plain fields are at worst
 * off by a statement when a client pipelines several (the session lock hands them over otherwise).
 * Bytes use single-writer counts with a flushed mark, so none is lost.
 */
public final class SessionMetrics {
    private final RouterMetrics metrics;
    private final String database;
    private final String user;
    private final ShardCounters multiShard;
    private final ShardCounters local;
    private BackendPool lastPool;
    private ShardCounters lastShard;
    /** The pools this session answered from and their label children, by identity; null until a second pool. */
    private BackendPool[] pools;
    private ShardCounters[] poolCounters;
    private int poolsSeen;
    /** Pools remembered at most: a session over more shards looks the others up in the map. */
    private static final int REMEMBERED_POOLS = 8;
    /** Where the open transaction is counted: its widest statement's shard and route; null between transactions. */
    private ShardCounters transaction;
    /** System.nanoTime() of the open statement's and transaction's first message; 0 when none is open. */
    private long statementStart;
    private long transactionStart;
    /** Written by the session thread only. */
    private long received;
    /** Written by the answering thread only. */
    private long receivedCounted;
    private long sent;

    SessionMetrics(RouterMetrics metrics, String database, String user) {
        this.metrics = metrics;
        this.database = database;
        this.user = user;
        this.multiShard = metrics.counters(database, user, "", RouteKind.MULTI_SHARD);
        this.local = metrics.counters(database, user, "", RouteKind.LOCAL);
    }

    /** A client message of {@code payloadLength} bytes (after type and length) arrived. */
    public void messageIn(int payloadLength) {
        received += payloadLength + 5L;
        if (statementStart == 0) {
            long now = System.nanoTime() | 1; // 0 means "none open"
            statementStart = now;
            if (transactionStart == 0) {
                transactionStart = now;
            }
        }
    }

    /** A backend message of {@code payloadLength} bytes was relayed to the client. */
    public void sent(int payloadLength) {
        sent += payloadLength + 5L;
    }

    /** A shard's ReadyForQuery reached the client: a statement ended, and with {@code status} 'I' a transaction. */
    public void ready(BackendPool pool, byte status) {
        ShardCounters shard = lastShard;
        if (pool != lastPool) {
            shard = countersOf(pool);
            lastShard = shard;
            lastPool = pool;
        }
        answered(shard, status);
    }

    private ShardCounters countersOf(BackendPool pool) {
        for (int i = 0; i < poolsSeen; i++) {
            if (pools[i] == pool) {
                return poolCounters[i];
            }
        }
        ShardCounters counters = metrics.counters(database, user, pool.key().shard(), RouteKind.SINGLE_SHARD);
        if (lastPool != null && poolsSeen < REMEMBERED_POOLS) { // a session on one pool keeps no arrays
            if (pools == null) {
                pools = new BackendPool[REMEMBERED_POOLS];
                poolCounters = new ShardCounters[REMEMBERED_POOLS];
                pools[0] = lastPool;
                poolCounters[0] = lastShard;
                poolsSeen = 1;
            }
            pools[poolsSeen] = pool;
            poolCounters[poolsSeen++] = counters;
        }
        return counters;
    }

    /** The router answered a statement itself ({@code route} LOCAL) or ran it on several shards (MULTI_SHARD). */
    public void answered(RouteKind route, byte status) {
        answered(route == RouteKind.MULTI_SHARD ? multiShard : route == RouteKind.LOCAL ? local
                : metrics.counters(database, user, "", route), status);
    }

    private void answered(ShardCounters counters, byte status) {
        long now = System.nanoTime();
        counters.statements().inc();
        long started = statementStart;
        statementStart = 0;
        if (started != 0) {
            counters.statementSeconds().inc((now - started) / 1e9);
        }
        long in = received;
        if (in != receivedCounted) {
            counters.receivedBytes().inc(in - receivedCounted);
            receivedCounted = in;
        }
        if (sent != 0) {
            counters.sentBytes().inc(sent);
            sent = 0;
        }
        ShardCounters open = transaction;
        if (open == null || open.route().ordinal() < counters.route().ordinal()) {
            open = counters;
        }
        if (status != 'I') {
            transaction = open;
            return;
        }
        transaction = null;
        open.transactions().inc();
        long began = transactionStart;
        transactionStart = 0;
        if (began != 0) {
            open.transactionSeconds().observe((now - began) / 1e9);
        }
    }

    /** An ErrorResponse went to the client: raised by a shard, or by the router itself. */
    public void error(String sqlState, boolean fromShard) {
        metrics.error(sqlState, fromShard);
        if (!fromShard) {
            statementStart = 0; // the router ended the statement; the shard's ReadyForQuery will not
        }
    }

    /** Takes a backend from {@code pool}, counting a wait that ends in pool_wait_timeout (53300). */
    public BackendConnection acquire(BackendPool pool, BooleanSupplier cancelled) throws IOException {
        return acquire(pool, dev.shardgate.router.config.TargetSessionAttrs.READ_WRITE, cancelled);
    }

    /** As {@link #acquire(BackendPool, BooleanSupplier)}, on a host {@code attrs} allows. */
    public BackendConnection acquire(BackendPool pool, dev.shardgate.router.config.TargetSessionAttrs attrs,
                                     BooleanSupplier cancelled) throws IOException {
        return acquire(pool, attrs, cancelled, 0);
    }

    /** As {@link #acquire(BackendPool, dev.shardgate.router.config.TargetSessionAttrs, BooleanSupplier)}, reading writes made before {@code wroteAtNanos}. */
    public BackendConnection acquire(BackendPool pool, dev.shardgate.router.config.TargetSessionAttrs attrs,
                                     BooleanSupplier cancelled, long wroteAtNanos) throws IOException {
        try {
            return pool.acquire(attrs, cancelled, wroteAtNanos);
        } catch (PgException e) {
            if (e.sqlState() == SqlState.TOO_MANY_CONNECTIONS) {
                metrics.poolWaitTimedOut(pool.key());
            }
            throw e;
        }
    }
}
