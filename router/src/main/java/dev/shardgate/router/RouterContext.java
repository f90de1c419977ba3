package dev.shardgate.router;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.Shard;
import dev.shardgate.qdb.FileQdb;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.qdb.MirrorQdb;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.RemoteKeyValues;
import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.cancel.CancelRegistry;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.loop.EventLoops;
import dev.shardgate.router.loop.OffLoopKeyValues;
import dev.shardgate.router.pool.Pools;
import dev.shardgate.router.session.PreparedStatements;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What every client session of one router shares: configuration, metadata (the QDB's current immutable
 * snapshot), backend pools, cancel keys and prepared-statement names.
 */
public final class RouterContext implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RouterContext.class);
    private volatile boolean closed;
    /** The admin console, for clients of a console database on the router port; null until it listens. */
    private volatile dev.shardgate.console.server.ConsoleServer console;
    /** The config in force: read per login and per transaction, replaced whole by a reload. */
    private volatile RouterConfig config;
    private final Qdb qdb;
    private final Pools pools;
    private final CancelRegistry cancels = new CancelRegistry();
    private final PreparedStatements.Names statementNames = new PreparedStatements.Names();
    private final SqlAnalyzer analyzer = new SqlAnalyzer(10_000);
    private final dev.shardgate.router.catalog.CatalogCache catalogCache =
            new dev.shardgate.router.catalog.CatalogCache(dev.shardgate.router.catalog.CatalogCache.DEFAULT_TIME_TO_LIVE);
    private final java.util.Set<dev.shardgate.router.session.ClientSession> sessions =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final dev.shardgate.router.twophase.TransactionIds transactionIds;
    private final dev.shardgate.router.twophase.CommitDecisions commitDecisions;
    private final dev.shardgate.router.sequence.AutoIncrementFill autoIncrement;
    private final EventLoops loops;
    private final dev.shardgate.wire.tls.FrontendTls frontendTls;
    private final dev.shardgate.router.tls.ShardTls shardTls;
    private final dev.shardgate.router.metrics.RouterMetrics metrics = new dev.shardgate.router.metrics.RouterMetrics();
    private final dev.shardgate.router.session.SessionDrain drain = new dev.shardgate.router.session.SessionDrain();
    private final dev.shardgate.wire.auth.FailedLogins failedLogins;
    /** The router's console and readiness, for SPQR's virtual functions; set once at start, before clients come. */
    private volatile SqlConsole sqlConsole;

    /** What a client's {@code SELECT __spqr__show(…)}, {@code __spqr__is_ready()} … ask. */
    public record SqlConsole(dev.shardgate.console.exec.ConsoleExecutor executor, dev.shardgate.console.http.Readiness readiness) {
    }

    private RouterContext(RouterConfig config, Qdb qdb) {
        this.config = config;
        this.qdb = qdb;
        registerConfiguredShards(config, qdb);
        this.loops = EventLoops.shared(config.eventLoops());
        this.failedLogins = new dev.shardgate.wire.auth.FailedLogins(config.clientLimits().authFailureDelay());
        this.frontendTls = loadFrontendTls(config.frontendTls());
        this.shardTls = dev.shardgate.router.tls.ShardTls.of(config.shards(), config.shardTls());
        this.pools = new Pools(config, this::metadata, new BackendConnector(config.maxMessageLength(), loops, config.shardLinks(),
                shardTls));
        pools.startHealthChecks();
        this.transactionIds = new dev.shardgate.router.twophase.TransactionIds(config.twoPhaseId());
        this.commitDecisions = new dev.shardgate.router.twophase.CommitDecisions(new OffLoopKeyValues(qdb));
        this.autoIncrement = new dev.shardgate.router.sequence.AutoIncrementFill(analyzer, this::metadata,
                new dev.shardgate.router.sequence.SequenceBlocks(qdb, config.sequenceBlockSize()));
    }

    /** @throws ConfigException naming frontend_tls and the file's problem: a file that does not load stops the start */
    private static dev.shardgate.wire.tls.FrontendTls loadFrontendTls(dev.shardgate.wire.tls.FrontendTlsSettings settings) {
        try {
            return dev.shardgate.wire.tls.FrontendTls.load(settings);
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new dev.shardgate.router.config.ConfigException("router.yaml", 0, "frontend_tls",
                    dev.shardgate.wire.tls.FrontendTls.loadProblem(settings, e), e);
        }
    }

    public void attachConsole(SqlConsole console) {
        this.sqlConsole = console;
    }

    /** The console as SPQR's virtual functions see it; empty before the router started. */
    public java.util.Optional<SqlConsole> sqlConsole() {
        return java.util.Optional.ofNullable(sqlConsole);
    }

    /** TLS towards shards, as their tls sections in router.yaml say, and shard_tls for the others. */
    public dev.shardgate.router.tls.ShardTls shardTls() {
        return shardTls;
    }

    /** TLS towards clients of the router port and the console. */
    public dev.shardgate.wire.tls.FrontendTls frontendTls() {
        return frontendTls;
    }

    /** The event loops that carry sessions and wait on their sockets; null when sessions use the JDK's scheduler. */
    public EventLoops loops() {
        return loops;
    }

    /** Failed logins by client address, which space out that address's next attempts (auth_failure_delay). */
    public dev.shardgate.wire.auth.FailedLogins failedLogins() {
        return failedLogins;
    }

    /** Fills the auto-increment columns INSERTs leave out, from this router's blocks of sequence values. */
    public dev.shardgate.router.sequence.AutoIncrementFill autoIncrement() {
        return autoIncrement;
    }

    /** What this router counts for /metrics and SHOW stats. */
    public dev.shardgate.router.metrics.RouterMetrics metrics() {
        return metrics;
    }

    /** Names of this router's prepared transactions (two-phase commit), unique across restarts. */
    public dev.shardgate.router.twophase.TransactionIds transactionIds() {
        return transactionIds;
    }

    /** Two-phase commit decisions, kept in the QDB so that they survive the router. */
    public dev.shardgate.router.twophase.CommitDecisions commitDecisions() {
        return commitDecisions;
    }

    /** Commits or rolls back the prepared transactions this router left on its shards. */
    public java.util.List<dev.shardgate.router.twophase.TwoPhaseRecovery.Action> recoverTwoPhase() {
        return recoverTwoPhaseOutcome().actions();
    }

    /** {@link #recoverTwoPhase()}, saying also whether every shard was reached. */
    public dev.shardgate.router.twophase.TwoPhaseRecovery.Outcome recoverTwoPhaseOutcome() {
        var outcome = new dev.shardgate.router.twophase.TwoPhaseRecovery(pools, config.backendRules(), transactionIds,
                commitDecisions).recover(metadata().shards().keySet());
        outcome.actions().forEach(action -> metrics.recovered(action.action()));
        return outcome;
    }

    /**
     * Opens the QDB named by qdb_file (or an in-memory one, or with a coordinator the mirror it
     * fills, whose key-value area is the coordinator's when coordinator_address names it) and
     * registers the configured shards in it.
     */
    public static RouterContext create(RouterConfig config) {
        Qdb qdb = config.withCoordinator() ? mirror(config)
                : config.qdbFile() == null ? new MemoryQdb() : FileQdb.open(config.qdbFile());
        return new RouterContext(config, qdb);
    }

    private static MirrorQdb mirror(RouterConfig config) {
        List<SyncEndpoint> coordinators = SyncEndpoint.parseList(config.coordinatorAddress());
        return new MirrorQdb(coordinators.isEmpty() ? null
                : new RemoteKeyValues(coordinators, new SyncChannels(config.grpcTls().client())));
    }

    /**
     * The config's shards appear in the metadata (SHOW shards, ROUTE TO) without a CREATE SHARD. The
     * pools take a shard's hosts from the metadata, where SWITCHOVER and ALTER SHARD change them; at
     * start router.yaml's host list wins over one a persisted QDB kept (hosts are a restart key).
     */
    private static void registerConfiguredShards(RouterConfig config, Qdb qdb) {
        Metadata current = qdb.snapshot();
        List<MetadataChange> changes = new ArrayList<>();
        for (Map.Entry<String, ShardConfig> shard : config.shards().entrySet()) {
            List<String> hosts = shard.getValue().hosts();
            List<String> kept = current.shard(shard.getKey()).map(Shard::hosts).orElse(null);
            if (kept == null) {
                changes.add(new MetadataChange.CreateShard(new Shard(shard.getKey(), hosts)));
            } else if (!new LinkedHashSet<>(kept).equals(new LinkedHashSet<>(hosts))) {
                log.warn("event=shard_hosts_from_config shard={} qdb_hosts=\"{}\" config_hosts=\"{}\"", shard.getKey(),
                        String.join(",", kept), String.join(",", hosts));
                List<String> added = hosts.stream().filter(host -> !kept.contains(host)).toList();
                List<String> dropped = kept.stream().filter(host -> !hosts.contains(host)).toList();
                if (!added.isEmpty()) {
                    changes.add(new MetadataChange.AddShardHosts(shard.getKey(), added));
                }
                if (!dropped.isEmpty()) {
                    changes.add(new MetadataChange.DropShardHosts(shard.getKey(), dropped));
                }
            }
        }
        qdb.apply(changes);
    }

    /** The admin console, which serves clients of a console database on the router port too (as SPQR's does). */
    public dev.shardgate.console.server.ConsoleServer console() {
        return console;
    }

    public void consoleIs(dev.shardgate.console.server.ConsoleServer value) {
        console = value;
    }

    public RouterConfig config() {
        return config;
    }

    /**
     * Puts a reloaded config in force ({@link dev.shardgate.router.config.ReloadPlan#applied()}: keys
     * that cannot change live already hold their running values). Logins and transactions that
     * start from now on read it; the pools take their new rules and limits.
     */
    void reconfigure(RouterConfig applied) {
        config = applied;
        pools.reconfigure(applied);
    }

    public Qdb qdb() {
        return qdb;
    }

    /**
     * The store's current snapshot, read on every call (one volatile read for the router's stores):
     * a change made on this router's console routes the very next statement, with no watcher
     * thread in between.
     */
    public Metadata metadata() {
        return qdb.snapshot();
    }

    /**
     * Read and write buffers of client sessions, like PgBouncer's pkt_buf (8 KiB): most clients send
     * short statements and sit idle most of the time, so a session holds a buffer only while it
     * reads or writes — 1000 idle clients hold none (with two 64 KiB buffers each they cost 130 MB,
     * with two of 8 KiB about 17 MB). Larger messages grow a reader's buffer; larger writes pass
     * straight through. 64 free buffers (512 KiB) are kept for the next transactions: a session holds
     * at most its reader's between a statement and its answer, so 64 busy clients find theirs here;
     * a burst of logins allocates more, and the collector takes them back afterwards.
     */
    private final dev.shardgate.wire.BufferPool clientBuffers = new dev.shardgate.wire.BufferPool(8 * 1024, 64);

    public dev.shardgate.wire.BufferPool clientBuffers() {
        return clientBuffers;
    }

    public Pools pools() {
        return pools;
    }

    public CancelRegistry cancels() {
        return cancels;
    }

    /** The graceful shutdown of the sessions, begun on SIGTERM. */
    public dev.shardgate.router.session.SessionDrain drain() {
        return drain;
    }

    /** The logged-in client sessions, for SHOW clients. */
    public java.util.Set<dev.shardgate.router.session.ClientSession> sessions() {
        return sessions;
    }

    public SqlAnalyzer analyzer() {
        return analyzer;
    }

    /** What the shards' catalogs said about views and functions, for a few seconds. */
    public dev.shardgate.router.catalog.CatalogCache catalogCache() {
        return catalogCache;
    }

    public PreparedStatements.Names statementNames() {
        return statementNames;
    }

    /**
     * The shard for statements that touch no distributed relation: the first shard of the
     * configuration (or of the metadata, when the config names none).
     *
     * @throws PgException (57P03) when there is no shard at all yet
     */
    public String anyShard() {
        if (!config.shards().isEmpty()) {
            return config.shards().keySet().iterator().next();
        }
        Metadata metadata = metadata();
        if (metadata.shards().isEmpty()) {
            // As PostgreSQL answers while it starts up: the client may try again shortly.
            throw new PgException(SqlState.CANNOT_CONNECT_NOW, config.withCoordinator()
                    ? "the router has no shards yet: it is waiting for metadata from the coordinator"
                    : "the router has no shards: configure shards or CREATE SHARD on its console");
        }
        return metadata.shards().firstKey();
    }

    /**
     * Every shard, {@link #anyShard()}'s first: where a login may learn the server's parameters when
     * the first shard does not answer.
     */
    public List<String> shardsFirstToLast() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        all.add(anyShard());
        all.addAll(config.shards().keySet());
        all.addAll(metadata().shards().keySet());
        return List.copyOf(all);
    }

    /** True once {@link #close()} began: background work of the router stops. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        pools.close();
        try {
            qdb.close();
        } catch (Exception ignored) {
            // closing the store at shutdown has nobody left to tell
        }
    }
}
