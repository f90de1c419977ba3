package dev.shardgate.coordinator;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.console.server.ConsoleAccess;
import dev.shardgate.wire.auth.PasswordExchange;
import dev.shardgate.console.server.ConsoleServer;
import dev.shardgate.console.server.ConsoleTls;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.fleet.CoordinatorApi;
import dev.shardgate.coordinator.fleet.MetadataFeed;
import dev.shardgate.coordinator.fleet.FleetTraffic;
import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.coordinator.move.DataMovement;
import dev.shardgate.coordinator.replica.CoordinatorReplicas;
import dev.shardgate.coordinator.replica.JdbcHostQueries;
import dev.shardgate.qdb.EtcdQdb;
import dev.shardgate.qdb.LeaderElection;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.QdbException;
import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.tls.EtcdTls;
import dev.shardgate.qdb.sync.Origin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: the QDB that holds the sharding metadata and the registered routers, the
 * admin console that changes them, the gRPC API routers fetch metadata from, and the links that
 * push every change to every registered router.
 *
 * <p>Several coordinators may share one etcd QDB: one is active (it holds the leader key's lease),
 * the others stand by, serve reads and take over when the active one's lease runs out. With an
 * in-memory QDB the coordinator is alone and always active.
 */
public final class Coordinator implements AutoCloseable {
    /** What SHOW lists on the coordinator's console beyond the targets every console has; the console reference documents each. */
    public static List<String> ownShowTargets() {
        List<String> targets = new java.util.ArrayList<>();
        targets.add(RouterRegistry.SHOW_TARGET);
        targets.addAll(DataMovement.SHOW_TARGETS);
        targets.add(DataMovement.REBALANCE_SHOW_TARGET);
        targets.add(DataMovement.BALANCER_SHOW_TARGET);
        targets.add(CoordinatorReplicas.SHOW_TARGET);
        return List.copyOf(targets);
    }

    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    /** Where the coordinator's keys live in etcd. */
    public static final String QDB_PREFIX = "/shardgate";
    /** How long an active coordinator's lease lives without renewal: the bound on a takeover, plus a second. */
    public static final Duration LEADER_TTL = Duration.ofSeconds(5);
    static final String STORE_ID_KEY = "store_id";
    static final Duration ETCD_START_WAIT = Duration.ofSeconds(30);

    private final Qdb qdb;
    private final RouterRegistry routers;
    private final List<AutoCloseable> parts;
    private final ConsoleServer console;
    private final CoordinatorApi api;
    private final RouterFleet fleet;
    private final LeaderElection election;
    private final ConsoleExecutor executor;
    private dev.shardgate.console.http.HttpEndpoints http;
    private ConfigReload reload;

    private Coordinator(Qdb qdb, RouterRegistry routers, List<AutoCloseable> parts, ConsoleServer console,
                        CoordinatorApi api, RouterFleet fleet, LeaderElection election, ConsoleExecutor executor) {
        this.executor = executor;
        this.qdb = qdb;
        this.routers = routers;
        this.parts = parts;
        this.console = console;
        this.api = api;
        this.fleet = fleet;
        this.election = election;
    }

    /**
     * Opens the QDB ({@code qdb_addr} in etcd, or in memory when empty), starts the console and the
     * gRPC API, and campaigns to be the active coordinator.
     *
     * @throws IOException when a port cannot be bound
     * @throws dev.shardgate.qdb.QdbException when etcd does not answer
     */
    /** A process without clients or pools, whose config file and data moves SHOW file_settings and move_stats read. */
    private static RouterStatus status(String version, ConfigReload reload, DataMovement movement, FleetTraffic traffic) {
        RouterStatus plain = RouterStatus.withoutClients(version);
        return new RouterStatus() {
            @Override
            public List<dev.shardgate.console.exec.ClientInfo> clients() {
                return plain.clients();
            }

            @Override
            public List<dev.shardgate.console.exec.PoolInfo> pools() {
                return plain.pools();
            }

            @Override
            public List<dev.shardgate.console.exec.BackendInfo> backendConnections() {
                return plain.backendConnections();
            }

            @Override
            public List<dev.shardgate.console.exec.FileSetting> fileSettings() {
                return reload.fileSettings();
            }

            @Override
            public List<dev.shardgate.console.exec.MoveStatInfo> moveStats() {
                return movement.moveStats();
            }

            @Override
            public List<dev.shardgate.console.exec.PauseInfo> pauses() {
                return traffic.standingPauses();
            }

            @Override
            public String version() {
                return plain.version();
            }

            @Override
            public String status() {
                return plain.status();
            }
        };
    }

    public static Coordinator start(CoordinatorConfig config, String version) throws IOException {
        return start(config, version, null);
    }

    /**
     * {@link #start(CoordinatorConfig, String)} for a config read from {@code file}, which RELOAD and
     * {@link #reload} read again; null: started from code, RELOAD refuses.
     */
    public static Coordinator start(CoordinatorConfig config, String version, java.nio.file.Path file) throws IOException {
        ConfigReload reload = new ConfigReload(config, file);
        Qdb qdb = config.qdbAddr().isBlank() ? new MemoryQdb() : openEtcd(config.qdbAddr(), config.qdbTls());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            String storeId = storeId(qdb);
            MetadataFeed feed = new MetadataFeed(qdb);
            opened.add(feed);
            RouterFleet fleet = new RouterFleet(feed, storeId, new SyncChannels(config.grpcTls().client()));
            opened.add(fleet);
            LeaderElection[] election = {null};
            Qdb gated = new StandbyGate(qdb, fleet::isActive, () -> activeConsole(election[0]));
            RouterRegistry routers = new RouterRegistry(gated, fleet);
            var registry = new io.prometheus.metrics.model.registry.PrometheusRegistry();
            DataMovement movement = new DataMovement(gated, fleet, config.dataMove()).reportingTo(registry);
            movement.configureBalancer(config.balancer());
            reload.balancerTo(movement::configureBalancer);
            CoordinatorGauges.register(registry, qdb, fleet::isActive, () -> routers.routers().size());
            opened.add(movement);
            FleetTraffic traffic = new FleetTraffic(fleet, qdb);
            CoordinatorReplicas replicas = new CoordinatorReplicas(movement.guarding(gated),
                    new JdbcHostQueries(config.dataMove()), traffic);
            ConsoleExecutor executor = new ConsoleExecutor(movement.guarding(gated), status(version, reload, movement, traffic),
                    ConsoleExecutor.OwnStatements.firstOf(List.of(routers, movement, replicas, new TrafficStatements(traffic),
                            reload)));
            ConsoleServer console = ConsoleServer.start(config.host(), config.coordinatorPort(),
                    access(reload::consoleRules), executor, ConsoleTls.of(frontendTls(config.frontendTls())));
            opened.add(console);
            String consoleAddress = config.host() + ":" + console.port();
            Origin origin = Origin.newBuilder().setStoreId(storeId).setConsoleAddress(consoleAddress).build();
            fleet.origin(origin);
            CoordinatorApi api = CoordinatorApi.start(config.host(), config.grpcApiPort(), config.grpcTls().server(), feed,
                    origin, qdb);
            opened.add(api);
            if (qdb instanceof EtcdQdb etcd) {
                election[0] = etcd.election("coordinator", consoleAddress, LEADER_TTL);
                election[0].start(leading -> {
                    if (leading) {
                        fleet.activate(routers.routers());
                        Thread.ofVirtual().start(movement::resume);
                        Thread.ofVirtual().start(replicas::resume);
                    } else {
                        movement.pause();
                        fleet.deactivate();
                    }
                });
            } else {
                fleet.activate(routers.routers());
                movement.resume();
                Thread.ofVirtual().start(replicas::resume);
            }
            dev.shardgate.console.http.HttpEndpoints http = null;
            if (config.httpPort() != CoordinatorConfig.HTTP_PORT_OFF) {
                http = dev.shardgate.console.http.HttpEndpoints.start(config.host(), config.httpPort(), registry,
                        () -> fleet.isActive() ? null : "standing by: another coordinator is active",
                        dev.shardgate.console.http.ClusterView.coordinator(executor));
                opened.add(http);
            }
            log.info("event=coordinator_started console_port={} console_tls={} grpc_api_port={} grpc_server_tls={}"
                    + " grpc_client_tls={} qdb={} qdb_tls={} store={}", console.port(), config.frontendTls().mode().configName(),
                    api.port(), config.grpcTls().server().mode().configName(),
                    config.grpcTls().client().mode().configName(), config.qdbAddr().isBlank() ? "memory" : config.qdbAddr(),
                    config.qdbTls().enabled(), storeId);
            Coordinator coordinator = new Coordinator(qdb, routers, opened, console, api, fleet, election[0], executor);
            coordinator.http = http;
            coordinator.reload = reload;
            return coordinator;
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            qdb.close();
            throw e;
        }
    }

    /**
     * etcd started with the coordinator (a machine booting, a container set) may answer only
     * after a while: wait for it up to {@link #ETCD_START_WAIT}, then give up.
     */
    private static EtcdQdb openEtcd(String addresses, EtcdTls tls) {
        long deadline = System.nanoTime() + ETCD_START_WAIT.toNanos();
        while (true) {
            try {
                return EtcdQdb.open(List.of(addresses.split(",")), QDB_PREFIX, EtcdQdb.DEFAULT_TIMEOUT, tls);
            } catch (QdbException e) {
                if (System.nanoTime() > deadline || !e.sqlState().equals(MetadataException.IO_ERROR)) {
                    throw e;
                }
                log.warn("event=waiting_for_etcd qdb={} error=\"{}\"", addresses, e.getMessage());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The active coordinator's console as last seen, or read from etcd when not seen yet. */
    private static String activeConsole(LeaderElection election) {
        if (election == null) {
            return "";
        }
        if (!election.leader().isEmpty()) {
            return election.leader();
        }
        try {
            return election.currentLeader().orElse("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The store's identity, made by the first coordinator that opens it. */
    private static String storeId(Qdb qdb) {
        qdb.compareAndSet(STORE_ID_KEY, null, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        return new String(qdb.get(STORE_ID_KEY).orElseThrow(), StandardCharsets.UTF_8);
    }

    /** @throws CoordinatorConfigException naming frontend_tls when the certificate or key does not load */
    private static dev.shardgate.wire.tls.FrontendTls frontendTls(dev.shardgate.wire.tls.FrontendTlsSettings settings) {
        try {
            return dev.shardgate.wire.tls.FrontendTls.load(settings);
        } catch (java.security.GeneralSecurityException | IOException e) {
            throw new dev.shardgate.coordinator.config.CoordinatorConfigException("coordinator.yaml", "frontend_tls",
                    dev.shardgate.wire.tls.FrontendTls.loadProblem(settings, e), e);
        }
    }

    /**
     * The rules are a whitelist, like pg_hba.conf: without a matching rule nobody gets in. They are
     * read at each login, so that RELOAD changes who may log in next.
     */
    static ConsoleAccess access(java.util.function.Supplier<List<ConsoleRule>> rules) {
        return new ConsoleAccess() {
            @Override
            public Optional<Rule> ruleFor(String user, String database) {
                return rules.get().stream()
                        .filter(rule -> rule.usr().equals(user) && rule.db().equals(database))
                        .findFirst()
                        .map(rule -> new Rule(rule.method(), rule.password(), rule.requireTls()));
            }

            @Override
            public Optional<Rule> ruleForUser(String user) {
                return rules.get().stream().filter(rule -> rule.usr().equals(user)).findFirst()
                        .map(rule -> new Rule(rule.method(), rule.password(), rule.requireTls()));
            }

            @Override
            public PasswordExchange.Method methodToMimic() {
                return rules.get().stream().findFirst().map(ConsoleRule::method).orElse(PasswordExchange.Method.SCRAM);
            }
        };
    }

    /**
     * Runs console commands as if typed on the console (the demo's setup).
     *
     * @throws dev.shardgate.wire.PgException as the console would answer
     */
    public void execute(String consoleCommands) {
        executor.execute(consoleCommands);
    }

    /**
     * Re-reads coordinator.yaml, as RELOAD on the console does (SIGHUP).
     *
     * @param trigger how the log names the cause
     * @throws dev.shardgate.wire.PgException F0000 when the file does not read or check; nothing changed
     */
    public void reload(String trigger) {
        reload.reload(trigger);
    }

    /** Who turns a reloaded log_level (logback's spelling) into the logging backend's level. */
    public void logLevelsTo(java.util.function.Consumer<String> applier) {
        reload.logLevelsTo(applier);
    }

    /** The console's port, also when 0 was configured. */
    public int consolePort() {
        return console.port();
    }

    /** The gRPC API's port, also when 0 was configured. */
    public int grpcApiPort() {
        return api.port();
    }

    /** The HTTP port serving /metrics, /healthz and /readyz; -1 when http_port is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** Whether this coordinator is the active one (always, with an in-memory QDB). */
    public boolean isActive() {
        return fleet.isActive();
    }

    public Qdb qdb() {
        return qdb;
    }

    /** Registered routers by id, with their addresses. */
    public Map<String, String> routers() {
        return routers.routers();
    }

    @Override
    public void close() {
        if (election != null) {
            election.close();
        }
        closeAll(parts);
        qdb.close();
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("event=coordinator_close_failed part={} error=\"{}\"", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
