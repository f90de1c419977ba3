package dev.shardgate.router.backend;

import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.EventLoop;
import dev.shardgate.router.loop.LoopConduit;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;

import dev.shardgate.router.config.ShardLinkSettings;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One logged-in connection from the router to a shard. Owned by exactly one client session at a time
 * (or idle in its pool), so its state needs no locking.
 */
public final class BackendConnection implements AutoCloseable {
    private final BackendAddress address;
    private final Conduit socket;
    private final PgReader reader;
    private final PgWriter writer;
    private final int processId;
    private final int secretKey;
    /** Values the server reported with ParameterStatus (GUC_REPORT parameters), names as the server spells them. */
    private final Map<String, String> reported;
    /** Lower-case parameter names → as {@link #reported} spells them, filled as they are asked for. */
    private final Map<String, String> reportedNames = new HashMap<>();
    /** Settings the router put on this connection: startup parameters and replayed SETs, lower-case names. */
    private final Map<String, String> applied;
    /** Names of statements prepared on this server session (router-side names, see PreparedStatements). */
    private final Set<String> preparedStatements = ConcurrentHashMap.newKeySet();
    /** SQL-level PREPAREs run on this server session: statement name → the PREPARE's text. */
    private final Map<String, String> sqlPrepared = new ConcurrentHashMap<>();
    private final Map<String, String> startupSettings;
    /** What the server reported at login: its defaults for this database and user. */
    private final Map<String, String> serverDefaults;
    private long lastUsedNanos = System.nanoTime();
    private final long openedNanos = lastUsedNanos;
    private volatile boolean broken;
    /** ReadyForQuery messages seen; written before the volatile transactionStatus, read after it. */
    private long readyCount;
    /** Why the router closed this connection under a running query (see {@link QueryCancel}), or null. */
    private volatile String abandonedBecause;
    private Duration cancelWaitTimeout = ShardLinkSettings.DEFAULTS.cancelWaitTimeout();
    private long queryTimeoutMillis;

    BackendConnection(BackendAddress address, Conduit socket, PgReader reader, PgWriter writer,
                      int processId, int secretKey, Map<String, String> reported, Map<String, String> applied) {
        this.address = address;
        this.socket = socket;
        this.reader = reader;
        this.writer = writer;
        this.processId = processId;
        this.secretKey = secretKey;
        this.reported = new LinkedHashMap<>(reported);
        this.serverDefaults = Map.copyOf(reported);
        this.applied = new HashMap<>(applied);
        this.startupSettings = Map.copyOf(applied);
        // names and texts the router writes reach the server in the encoding it reads them in
        reader.onTextEncoding(writer::textEncoding);
    }

    public BackendAddress address() {
        return address;
    }

    public PgReader reader() {
        return reader;
    }

    public PgWriter writer() {
        return writer;
    }

    public int processId() {
        return processId;
    }

    public int secretKey() {
        return secretKey;
    }

    public Map<String, String> reported() {
        return reported;
    }

    /** The reported value of a parameter, looked up case-insensitively as GUC names are. */
    public String reportedValue(String lowerCaseName) {
        // asked for each of the client's settings at every transaction start: the name as the
        // server spells it is found once (names do not change, values do)
        String name = reportedNames.get(lowerCaseName);
        if (name == null) {
            for (String key : reported.keySet()) {
                if (key.equalsIgnoreCase(lowerCaseName)) {
                    name = key;
                    reportedNames.put(lowerCaseName, key);
                    break;
                }
            }
            if (name == null) {
                return null;
            }
        }
        return reported.get(name);
    }

    /** The reported parameters as they were right after login, names as the server spells them. */
    public Map<String, String> serverDefaults() {
        return serverDefaults;
    }

    public Map<String, String> applied() {
        return applied;
    }

    public Set<String> preparedStatements() {
        return preparedStatements;
    }

    public Map<String, String> sqlPreparedStatements() {
        return sqlPrepared;
    }

    /** After DISCARD ALL the server forgets prepared statements and returns settings to their startup values. */
    public void discarded() {
        preparedStatements.clear();
        sqlPrepared.clear();
        applied.clear();
        applied.putAll(startupSettings);
    }

    public void markBroken() {
        broken = true;
    }

    public boolean isBroken() {
        return broken || socket.isClosed();
    }

    private volatile long transactionsServed;
    /** The status byte of the server's last ReadyForQuery: 'I', 'T' or 'E'. */
    private volatile byte transactionStatus = 'I';

    public void readyForQuery(byte status) {
        readyCount++;
        transactionStatus = status;
    }

    /** How many ReadyForQuery the server has sent: a query has ended when this moved. */
    public long readyCount() {
        byte ignored = transactionStatus; // this volatile read makes the count, written before the store, visible
        return readyCount;
    }

    /** How long a cancelled query may take to end before this connection is closed (cancel_wait_timeout). */
    public Duration cancelWaitTimeout() {
        return cancelWaitTimeout;
    }

    /** The query_timeout this connection's reads carry, in milliseconds (0: none). */
    public long queryTimeoutMillis() {
        return queryTimeoutMillis;
    }

    void timeouts(long queryTimeoutMillis, Duration cancelWait) {
        this.queryTimeoutMillis = queryTimeoutMillis;
        cancelWaitTimeout = cancelWait;
    }

    /** Closes the connection under a query that did not end after a cancel; readers waiting on it fail. */
    void abandon(String reason) {
        abandonedBecause = reason;
        markBroken();
        close();
    }

    /**
     * The error for a client whose work on this connection failed with {@code e}: 57014 when the
     * router closed it under a query that a cancel did not end, else 08006 naming shard and host.
     */
    public PgException lost(Exception e) {
        String cancelled = abandonedBecause;
        if (cancelled != null) {
            return new PgException(SqlState.QUERY_CANCELED, cancelled);
        }
        return new PgException(SqlState.CONNECTION_FAILURE, "lost connection to shard \"" + address.shard() + "\" ("
                + address.host() + ":" + address.port() + "): " + e.getMessage());
    }

    /**
     * The 57014 message for a client whose query this connection was closed under, or null when the
     * connection failed on its own.
     */
    public String abandonedBecause() {
        return abandonedBecause;
    }

    /** As SHOW backend_connections prints it. */
    public String transactionState() {
        return switch (transactionStatus) {
            case 'T' -> "in transaction";
            case 'E' -> "in failed transaction";
            default -> "idle";
        };
    }

    public long transactionsServed() {
        return transactionsServed;
    }

    /** Called when the connection comes back to its pool after serving a client. */
    public void touch() {
        transactionsServed++;
        lastUsedNanos = System.nanoTime();
    }

    /** When the login finished (System.nanoTime): a pool does not reuse a connection older than its host's last role change. */
    public long openedNanos() {
        return openedNanos;
    }

    public long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    /**
     * True when the server sent something while the connection sat idle: an idle server session sends
     * nothing unless it is being terminated (FATAL 57P01 before closing) or was closed, so such a
     * connection must not be handed out.
     */
    public boolean hasUnexpectedInput() {
        try {
            return reader.hasBufferedInput();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** The event loop whose epoll set watches this connection's socket, or null (a pool hands it to that loop's sessions first). */
    public EventLoop loop() {
        Conduit raw = socket instanceof dev.shardgate.router.loop.TlsConduit tls ? tls.raw() : socket;
        return raw instanceof LoopConduit conduit ? conduit.watchedBy() : null;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a dead socket has nothing left to report
        }
    }

    @Override
    public String toString() {
        return "backend " + address + " pid=" + processId;
    }
}
