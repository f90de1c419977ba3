package dev.shardgate.router;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.replica.PromotionJournal;
import dev.shardgate.console.replica.ReplicaStatements;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.replica.DirectHostQueries;
import dev.shardgate.console.server.ConsoleAccess;
import dev.shardgate.console.server.ConsoleServer;
import dev.shardgate.console.server.ConsoleTls;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.DescriptorLimit;
import dev.shardgate.wire.listen.AcceptFailures;
import dev.shardgate.wire.listen.ConnectionSlots;
import dev.shardgate.wire.listen.ConnectionRate;
import dev.shardgate.wire.listen.TooManyClients;
import dev.shardgate.router.status.LiveStatus;
import dev.shardgate.router.sync.CoordinatorSync;
import dev.shardgate.router.sync.TrafficReceiver;
import dev.shardgate.router.pool.Traffic;
import dev.shardgate.qdb.MirrorQdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.auth.PasswordExchange;
import dev.shardgate.router.session.ClientSession;
import dev.shardgate.router.session.RoutingFence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The router's listener: accepts PostgreSQL clients and runs each session on its own virtual thread. */
public final class RouterServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RouterServer.class);
    /** Descriptors kept for what is not a client: listeners, QDB files, etcd and gRPC, the JVM's own. */
    private static final int RESERVED_DESCRIPTORS = 256;

    private final RouterContext context;
    private final ServerSocket serverSocket;
    private final ConsoleServer console;
    private final LiveStatus status;
    private final Thread acceptor;
    private final ConnectionSlots slots;
    private final AcceptFailures acceptFailures = new AcceptFailures(log, "router");
    private final ConnectionRate connectionRate;
    /** Connections refused for client_connection_rate since the last log line, which comes at most every 10 s. */
    private long rateRefusals;
    private long nextRateLog;
    private CoordinatorSync coordinatorSync;
    private Observability observability;
    private ConfigReloader reloader;

    private RouterServer(RouterContext context, ServerSocket serverSocket, ConsoleServer console, LiveStatus status,
                         ConnectionSlots slots) {
        this.context = context;
        this.serverSocket = serverSocket;
        this.console = console;
        this.status = status;
        this.slots = slots;
        this.connectionRate = new ConnectionRate(context.config().clientLimits().connectionRate());
        this.nextRateLog = System.nanoTime();
        this.acceptor = Thread.ofPlatform().name("router-accept").daemon(true).unstarted(this::acceptLoop);
    }

    /** FAILOVER and SWITCHOVER SHARD; SHOW hosts is the pool layer's, which knows the hosts' health. */
    private static ReplicaStatements replicaStatements(RouterConfig config, RouterContext context, Traffic traffic) {
        var queries = new DirectHostQueries(new BackendConnector(config.maxMessageLength(), null, config.shardLinks(), context.shardTls()),
                config.backendRules());
        return new ReplicaStatements(context.qdb(), queries, PromotionJournal.NONE, false, traffic);
    }

    /**
     * Opens the QDB, runs the init file's console commands, binds the admin console and router_port
     * on host (port 0 picks a free port) and starts accepting clients.
     */
    public static RouterServer start(RouterConfig config) throws IOException {
        return start(config, null);
    }

    /**
     * {@link #start(RouterConfig)} for a config read from {@code file}, which RELOAD and SIGHUP
     * ({@link #reloader()}) read again; null: started from code, RELOAD refuses.
     */
    public static RouterServer start(RouterConfig config, java.nio.file.Path file) throws IOException {
        ConnectionSlots slots = new ConnectionSlots(maxClients(config.clientLimits().maxClients()));
        RouterContext context = RouterContext.create(config);
        ConfigReloader reloader = new ConfigReloader(context, file);
        LiveStatus status = new LiveStatus(context, reloader);
        Traffic traffic = new Traffic(context.pools());
        ConsoleExecutor executor = new ConsoleExecutor(context.qdb(), status, ConsoleExecutor.OwnStatements.firstOf(List.of(
                new TwoPhaseConsole(context), new TrafficConsole(context, traffic), new ReloadConsole(reloader),
                replicaStatements(config, context, traffic))));
        context.attachConsole(new RouterContext.SqlConsole(executor, new dev.shardgate.router.status.RouterReadiness(context, status)));
        // A channel's socket: its accepted sockets have channels, which the event loops can drive.
        ServerSocket socket = ServerSocketChannel.open().socket();
        ConsoleServer console = null;
        CoordinatorSync sync = null;
        try {
            if (context.qdb() instanceof MirrorQdb mirror) {
                if (!mirror.sharesKeyValues()) {
                    log.warn("event=two_phase_decisions_in_memory reason=\"no coordinator_address: two-phase commit "
                            + "decisions and sequence blocks live in this router's memory only\"");
                }
                // Commit decisions live in the coordinator's QDB; recovery needs them and the shards, and runs
                // as at any start: in the background, waiting for no hung shard.
                sync = CoordinatorSync.start(config.host(), config.grpcApiPort(), config.grpcTls(), mirror,
                        config.coordinatorAddress(), config.host() + ":" + config.routerPort(),
                        () -> StartupRecovery.start(context), new TrafficReceiver(traffic),
                        version -> RoutingFence.await(context.sessions(), version, RoutingFence.WAIT));
            }
            runInitFile(config, executor);
            if (!config.withCoordinator()) {
                StartupRecovery.start(context);
            }
            var frontendTls = context.frontendTls();
            console = ConsoleServer.start(config.host(), config.adminConsolePort(), consoleAccess(context), executor,
                    ConsoleTls.of(frontendTls),
                    new ConsoleServer.Limits(config.clientLimits().authTimeout(), ConsoleServer.Limits.DEFAULTS.maxClients(),
                            config.clientLimits().authFailureDelay()));
            context.consoleIs(console);
            socket.setReuseAddress(true);
            try {
                socket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.routerPort()), 1024);
            } catch (BindException e) {
                throw new BindException("cannot listen for clients on " + config.host() + ":"
                        + config.routerPort() + ": " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            socket.close();
            if (console != null) {
                console.close();
            }
            if (sync != null) {
                sync.close();
            }
            context.close();
            throw e;
        }
        RouterServer server = new RouterServer(context, socket, console, status, slots);
        server.coordinatorSync = sync;
        server.reloader = reloader;
        try {
            server.observability = Observability.start(context, status, executor);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.acceptor.start();
        log.info("event=router_started host={} port={} console_port={} shards={}", config.host(), server.port(),
                console.port(), context.metadata().shards().keySet());
        return server;
    }

    /**
     * max_clients, lowered if the descriptor limit (raised to the hard limit first) could not carry
     * it: each client may hold a backend besides its own socket, and the pools, QDB and listeners need
     * some, so that a full router refuses clients with 53300 instead of failing to accept them.
     */
    static int maxClients(int configured) {
        DescriptorLimit.Limits descriptors = DescriptorLimit.raiseSoftToHard();
        if (!descriptors.isKnown()) {
            return configured;
        }
        long carried = Math.max(1, (descriptors.soft() - RESERVED_DESCRIPTORS) / 2);
        if (configured > carried) {
            log.warn("event=max_clients_lowered max_clients={} now={} descriptor_limit={} hard_limit={} reason=\"each client "
                            + "may need two descriptors; raise the hard limit (ulimit -Hn, LimitNOFILE) to allow more\"",
                    configured, carried, descriptors.soft(), descriptors.hard());
            return (int) carried;
        }
        log.info("event=descriptor_limit soft={} hard={} max_clients={}", descriptors.soft(), descriptors.hard(), configured);
        return configured;
    }

    /** init_sql: console commands that give a single router its metadata at start. */
    private static void runInitFile(RouterConfig config, ConsoleExecutor executor) throws IOException {
        if (config.initSqlFile() == null) {
            return;
        }
        String text = Files.readString(config.initSqlFile());
        try {
            executor.execute(text);
        } catch (PgException e) {
            throw new PgException(e.sqlState(), "init_sql " + config.initSqlFile() + ": " + e.getMessage()
                    + (e.position() > 0 ? " (at character " + e.position() + ")" : ""));
        }
        log.info("event=init_sql_done file={}", config.initSqlFile());
    }

    /**
     * The console's own frontend rules (db spqr-console / shardgate_console), matched on the user;
     * read from the config in force at each login, so that RELOAD changes who may log in.
     */
    private static ConsoleAccess consoleAccess(RouterContext context) {
        return new ConsoleAccess() {
            @Override
            public Optional<Rule> ruleFor(String user, String database) {
                if (!FrontendRule.isConsoleDatabase(database)) {
                    return Optional.empty();
                }
                return context.config().consoleRuleFor(user)
                        .map(rule -> new Rule(rule.authRule().method().exchange(), rule.authRule().password(), rule.requireTls()));
            }

            @Override
            public Optional<Rule> ruleForUser(String user) {
                return context.config().consoleRuleFor(user)
                        .map(rule -> new Rule(rule.authRule().method().exchange(), rule.authRule().password(), rule.requireTls()));
            }

            @Override
            public PasswordExchange.Method methodToMimic() {
                return context.config().consoleRules().stream().findFirst()
                        .map(rule -> rule.authRule().method().exchange()).orElse(PasswordExchange.Method.SCRAM);
            }
        };
    }

    public int consolePort() {
        return console.port();
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The HTTP port serving /metrics, /healthz and /readyz; -1 when http_port is off. */
    public int httpPort() {
        return observability == null ? -1 : observability.httpPort();
    }

    /** The port of the metadata sync API a coordinator pushes to; -1 without a coordinator. */
    public int grpcApiPort() {
        return coordinatorSync == null ? -1 : coordinatorSync.port();
    }

    public RouterContext context() {
        return context;
    }

    /** Re-reads the config file: what RELOAD on the console and SIGHUP do. */
    public ConfigReloader reloader() {
        return reloader;
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                // closing the server socket ends a waiting accept (SocketException, or
                // AsynchronousCloseException for a channel's socket): only other failures are news
                if (!serverSocket.isClosed()) {
                    acceptFailures.failed(e);
                }
                continue;
            }
            acceptFailures.succeeded();
            if (!connectionRate.tryAdmit(client.getInetAddress())) {
                refuseForRate(client);
                continue;
            }
            if (!slots.tryTake()) {
                log.warn("event=client_refused address={} reason=\"max_clients ({}) reached\"",
                        client.getRemoteSocketAddress(), slots.limit());
                TooManyClients.refuse(client, cancel -> context.cancels().cancel(cancel.processId(), cancel.secretKey()));
                continue;
            }
            try {
                startSession(client);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                // no thread for this client: drop it, keep accepting the others
                log.error("event=client_thread_failed error=\"{}\"", e.toString());
                slots.release();
                closeQuietly(client);
            }
        }
    }

    /**
     * One more connection from an address past client_connection_rate: 53300 at once, before any
     * login work; logged at most once per 10 s with the count, so a flood does not flood the log.
     */
    private void refuseForRate(Socket client) {
        String host = client.getInetAddress().getHostAddress();
        rateRefusals++;
        long now = System.nanoTime();
        if (now - nextRateLog >= 0) {
            log.warn("event=client_refused address={} reason=\"client_connection_rate ({} per second) exceeded\" refused_since_last={}",
                    client.getRemoteSocketAddress(), connectionRate.perSecond(), rateRefusals);
            rateRefusals = 0;
            nextRateLog = now + 10_000_000_000L;
        }
        TooManyClients.refuse(client, cancel -> context.cancels().cancel(cancel.processId(), cancel.secretKey()),
                "too many connections from host \"" + host + "\": more than client_connection_rate ("
                        + connectionRate.perSecond() + " per second)");
    }

    /** Runs the client's session on a thread of its own; its slot is given back when the session ends. */
    private void startSession(Socket client) throws IOException {
        client.setTcpNoDelay(true);
        context.config().shardLinks().applyKeepaliveTo(client);
        Runnable session = () -> {
            try {
                new ClientSession(context, Conduit.of(client, context.loops())).run();
            } catch (IOException e) {
                log.warn("event=client_setup_failed error=\"{}\"", e.toString());
                closeQuietly(client);
            } finally {
                slots.release();
            }
        };
        String name = "client-" + client.getPort();
        if (context.loops() != null) {
            context.loops().loop().start(name, session);
        } else {
            Thread.ofVirtual().name(name).start(session);
        }
    }

    /** Client connections held now (each counts against max_clients). */
    public int clients() {
        return slots.inUse();
    }

    private static void closeQuietly(Socket client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // the client is gone either way
        }
    }

    /**
     * Graceful shutdown (SIGTERM): stops accepting clients at once, closes each client with 57P01 as
     * soon as it is between transactions, and after shutdown_timeout the others, whose backends roll
     * back; then {@link #close()}. The console keeps answering, and /readyz says 503, until then.
     */
    public void shutdown() {
        Duration timeout = context.config().shutdownTimeout();
        status.closed();
        closeListener();
        log.info("event=router_draining port={} clients={} shutdown_timeout_ms={}", port(), context.sessions().size(),
                timeout.toMillis());
        context.drain().begin(context.sessions());
        if (!sessionsEndWithin(timeout)) {
            log.warn("event=router_drain_timeout clients={}", context.sessions().size());
            context.drain().terminate(context.sessions());
            sessionsEndWithin(TERMINATE_GRACE);
        }
        close();
    }

    /** After the timeout: how long a cancelled statement has to come back before the pools close under it. */
    private static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);

    private boolean sessionsEndWithin(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!context.sessions().isEmpty()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void closeListener() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        status.closed();
        closeListener();
        console.close();
        if (observability != null) {
            observability.close();
        }
        if (coordinatorSync != null) {
            coordinatorSync.close();
        }
        context.close();
        log.info("event=router_stopped port={}", serverSocket.getLocalPort());
    }
}
