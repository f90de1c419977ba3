package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.qdb.tls.GrpcTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The router's configuration, read once at start from a YAML file shaped like SPQR's router.yaml
 * and never changed afterwards. Build one with {@link #load}, {@link #parse} or {@link #builder};
 * all three apply the same checks.
 *
 * <p>{@code frontendRules} are the rules for client databases; rules in {@code frontend_rules}
 * whose db is a {@linkplain FrontendRule#CONSOLE_DATABASES console database} are kept apart in
 * {@code consoleRules}. {@code qdbFile} and {@code initSqlFile} are null when not configured.
 * {@code clientIdleTimeout} of zero means clients may stay idle for ever. {@code coordinatorAddress}
 * (host:port of coordinators' gRPC APIs, comma-separated; empty when not configured) is where a
 * router with a coordinator fetches its metadata at start.
 *
 * @param maxMessageLength the longest protocol message accepted from a client, in bytes
 * @param sequenceBlockSize how many values of an auto-increment sequence the router takes from the
 *     QDB at once and hands out from memory
 * @param eventLoops how many event-loop threads carry the client sessions and wait on their sockets
 *     (default: one per CPU); 0 runs sessions on the JDK's own virtual-thread scheduler
 * @param shardLinks timeouts towards shards and TCP keepalive
 * @param grpcTls TLS of the gRPC API the coordinator pushes to and of the calls to coordinator_address
 * @param frontendTls TLS for clients of the router and its console ({@code frontend_tls})
 * @param shardTls TLS towards every shard without a {@code tls} section of its own: shards created
 *     on the console or pushed by a coordinator ({@code shard_tls})
 * @param httpPort where /metrics, /healthz and /readyz are served; -1 (the default) serves none, 0 a free port
 * @param health how hosts' roles, health and replica lag are checked, and the lag limit for reads
 * @param shutdownTimeout how long a SIGTERM lets transactions in flight finish before their clients are closed
 * @param pauseTimeout how long a new transaction waits at a paused shard (PAUSE, SWITCHOVER SHARD) before 57P03;
 *     also how long PAUSE waits for the transactions in flight
 * @param clientLimits what a client may cost before and around its login (auth_timeout, max_clients,
 *     auth_failure_delay)
 * @param maxIntermediateResultSize how many bytes of rows a statement finished on one shard may pull
 *     from the shards into its temporary tables ({@code max_intermediate_result_size})
 */
public record RouterConfig(
        String host,
        int routerPort,
        int adminConsolePort,
        int grpcApiPort,
        boolean withCoordinator,
        String coordinatorAddress,
        RouterMode routerMode,
        LogLevel logLevel,
        List<FrontendRule> frontendRules,
        List<BackendRule> backendRules,
        Map<String, ShardConfig> shards,
        List<FrontendRule> consoleRules,
        Path qdbFile,
        Path initSqlFile,
        Duration poolWaitTimeout,
        Duration clientIdleTimeout,
        int maxMessageLength,
        DefaultRouteBehaviour defaultRouteBehaviour,
        Duration lockWaitTimeout,
        CommitStrategy commitStrategy,
        String routerId,
        int sequenceBlockSize,
        int eventLoops,
        ShardLinkSettings shardLinks,
        GrpcTls grpcTls,
        FrontendTlsSettings frontendTls,
        ShardTlsSettings shardTls,
        int httpPort,
        HealthSettings health,
        Duration shutdownTimeout,
        Duration pauseTimeout,
        ClientLimits clientLimits,
        boolean showNoticeMessages,
        long maxIntermediateResultSize) {

    /** Every key router.yaml accepts, as docs/configuration.md names it (see {@code RouterConfigReader.knownKeys}). */
    public static List<String> knownKeys() {
        return RouterConfigReader.knownKeys();
    }

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_ROUTER_PORT = 6432;
    public static final int DEFAULT_ADMIN_CONSOLE_PORT = 7432;
    public static final int DEFAULT_GRPC_API_PORT = 7010;
    public static final Duration DEFAULT_POOL_WAIT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_LOCK_WAIT_TIMEOUT = Duration.ofSeconds(5);
    /** As PgBouncer's shutdown_wait_timeout suggests for a rolling restart: long enough for ordinary transactions. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** PgBouncer's query_wait_timeout: a client waits this long for a server, paused or not. */
    public static final Duration DEFAULT_PAUSE_TIMEOUT = Duration.ofSeconds(120);
    /** Like PostgreSQL: 1 GB. A reader grows its buffer as bytes arrive, so the claim alone costs nothing. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1 << 30;
    /** PostgreSQL refuses messages of 1GB and more (PQ_LARGE_MESSAGE_LIMIT); so do we. */
    public static final int MAX_MESSAGE_LENGTH_LIMIT = 1 << 30;
    /** Below this a startup packet (up to 10000 bytes in PostgreSQL) might not fit. */
    public static final int MIN_MESSAGE_LENGTH = 16 << 10;
    public static final int DEFAULT_SEQUENCE_BLOCK_SIZE = 100;
    /** As Citus's citus.max_intermediate_result_size: 1 GB. */
    public static final long DEFAULT_MAX_INTERMEDIATE_RESULT_SIZE = 1L << 30;
    /** The HTTP port is off unless configured: two routers on one host would otherwise collide. */
    public static final int HTTP_PORT_OFF = -1;
    public static final int DEFAULT_EVENT_LOOPS = Runtime.getRuntime().availableProcessors();

    public RouterConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(coordinatorAddress, "coordinatorAddress");
        Objects.requireNonNull(routerMode, "routerMode");
        Objects.requireNonNull(logLevel, "logLevel");
        frontendRules = List.copyOf(frontendRules);
        backendRules = List.copyOf(backendRules);
        shards = Collections.unmodifiableMap(new LinkedHashMap<>(shards));
        consoleRules = List.copyOf(consoleRules);
        Objects.requireNonNull(poolWaitTimeout, "poolWaitTimeout");
        Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
        Objects.requireNonNull(defaultRouteBehaviour, "defaultRouteBehaviour");
        Objects.requireNonNull(lockWaitTimeout, "lockWaitTimeout");
        Objects.requireNonNull(commitStrategy, "commitStrategy");
        Objects.requireNonNull(shardLinks, "shardLinks");
        Objects.requireNonNull(grpcTls, "grpcTls");
        Objects.requireNonNull(frontendTls, "frontendTls");
        Objects.requireNonNull(shardTls, "shardTls");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(clientLimits, "clientLimits");
    }

    /**
     * What names this router's prepared transactions on the shards ({@code sg_<id>_<n>}): router_id
     * when set, else host and port, so that it stays the same across restarts. Only letters and
     * digits are kept, so that one router's names never start with another's.
     */
    public String twoPhaseId() {
        String id = routerId != null ? routerId : host + "p" + routerPort;
        return id.replaceAll("[^A-Za-z0-9]", "");
    }

    /**
     * Reads and checks a config file. Relative {@code qdb_file} and {@code init_sql} are resolved
     * against the file's directory, and the init_sql file must exist.
     *
     * @throws ConfigException naming the file, key path and problem
     */
    public static RouterConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read configuration: " + e, e);
        }
        var source = new ConfigSource(file.toString());
        Path baseDir = file.toAbsolutePath().getParent();
        RouterConfig config = RouterConfigReader.read(text, source, baseDir);
        if (config.initSqlFile() != null && !Files.isRegularFile(config.initSqlFile())) {
            throw source.error("init_sql", "file '" + config.initSqlFile() + "' does not exist");
        }
        return config;
    }

    /**
     * Reads and checks config text; relative paths are kept as written.
     *
     * @param sourceName how messages name the text, e.g. a file name
     * @throws ConfigException naming the source, key path and problem
     */
    public static RouterConfig parse(String yaml, String sourceName) {
        return RouterConfigReader.read(yaml, new ConfigSource(sourceName), null);
    }

    /** The config as router.yaml text, passwords included; {@link #parse} reads it back equal. */
    public String toYaml() {
        return RouterConfigWriter.write(this);
    }

    /**
     * The rule for a client connecting as {@code usr} to {@code db}: the rule naming both, else the
     * pool_default rule. Console databases never match here; see {@link #consoleRuleFor}.
     */
    public Optional<FrontendRule> frontendRuleFor(String db, String usr) {
        if (FrontendRule.isConsoleDatabase(db)) {
            return Optional.empty();
        }
        return exactThenDefault(frontendRules, rule -> rule.matches(db, usr), FrontendRule::poolDefault);
    }

    /** The rule for connecting to shards for clients of {@code db} as {@code usr}. */
    public Optional<BackendRule> backendRuleFor(String db, String usr) {
        return exactThenDefault(backendRules, rule -> rule.matches(db, usr), BackendRule::poolDefault);
    }

    /**
     * Who the router logs in as on {@code shard} for clients of {@code db} as {@code usr} under
     * {@code rule}: the shard's own db/usr/pwd, else the rule's login for it, else the client's
     * database and user with the rule's password.
     */
    public ShardLogin loginFor(String shard, String db, String usr, BackendRule rule) {
        ShardConfig configured = shards.get(shard);
        ShardLogin ofShard = configured == null ? ShardLogin.CLIENTS : configured.login();
        return ofShard.orElse(rule.loginOn(shard)).orElse(new ShardLogin(db, usr, null));
    }

    /** The console rule for {@code usr}; console database names are aliases of each other. */
    public Optional<FrontendRule> consoleRuleFor(String usr) {
        return consoleRules.stream().filter(rule -> rule.usr().equals(usr)).findFirst();
    }

    private static <R> Optional<R> exactThenDefault(List<R> rules, Predicate<R> exact, Predicate<R> poolDefault) {
        return rules.stream().filter(exact).findFirst().or(() -> rules.stream().filter(poolDefault).findFirst());
    }

    /** A builder holding every default; rules and shards start empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to derive a variant. */
    public Builder toBuilder() {
        var builder = new Builder()
                .host(host).routerPort(routerPort).adminConsolePort(adminConsolePort).grpcApiPort(grpcApiPort)
                .withCoordinator(withCoordinator).coordinatorAddress(coordinatorAddress).routerMode(routerMode).logLevel(logLevel)
                .backendRules(backendRules).shards(shards)
                .qdbFile(qdbFile).initSqlFile(initSqlFile)
                .poolWaitTimeout(poolWaitTimeout).clientIdleTimeout(clientIdleTimeout)
                .maxMessageLength(maxMessageLength).defaultRouteBehaviour(defaultRouteBehaviour)
                .lockWaitTimeout(lockWaitTimeout).commitStrategy(commitStrategy).routerId(routerId)
                .sequenceBlockSize(sequenceBlockSize).eventLoops(eventLoops).shardLinks(shardLinks).grpcTls(grpcTls)
                .frontendTls(frontendTls).shardTls(shardTls)
                .httpPort(httpPort)
                .health(health).shutdownTimeout(shutdownTimeout).pauseTimeout(pauseTimeout)
                .clientLimits(clientLimits).showNoticeMessages(showNoticeMessages)
                .maxIntermediateResultSize(maxIntermediateResultSize);
        var allFrontendRules = new ArrayList<>(frontendRules);
        allFrontendRules.addAll(consoleRules);
        return builder.frontendRules(allFrontendRules);
    }

    /** Collects values for a config; {@link #build} checks them as a config file would be. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int routerPort = DEFAULT_ROUTER_PORT;
        private int adminConsolePort = DEFAULT_ADMIN_CONSOLE_PORT;
        private int grpcApiPort = DEFAULT_GRPC_API_PORT;
        private boolean withCoordinator;
        private String coordinatorAddress = "";
        private RouterMode routerMode = RouterMode.PROXY;
        private LogLevel logLevel = LogLevel.INFO;
        private final List<FrontendRule> frontendRules = new ArrayList<>();
        private final List<BackendRule> backendRules = new ArrayList<>();
        private final Map<String, ShardConfig> shards = new LinkedHashMap<>();
        private Path qdbFile;
        private Path initSqlFile;
        private Duration poolWaitTimeout = DEFAULT_POOL_WAIT_TIMEOUT;
        private Duration clientIdleTimeout = Duration.ZERO;
        private int maxMessageLength = DEFAULT_MAX_MESSAGE_LENGTH;
        private DefaultRouteBehaviour defaultRouteBehaviour = DefaultRouteBehaviour.BLOCK;
        private Duration lockWaitTimeout = DEFAULT_LOCK_WAIT_TIMEOUT;
        private CommitStrategy commitStrategy = CommitStrategy.BEST_EFFORT;
        private boolean showNoticeMessages;
        private long maxIntermediateResultSize = DEFAULT_MAX_INTERMEDIATE_RESULT_SIZE;
        private String routerId;
        private int sequenceBlockSize = DEFAULT_SEQUENCE_BLOCK_SIZE;
        private int eventLoops = DEFAULT_EVENT_LOOPS;
        private ShardLinkSettings shardLinks = ShardLinkSettings.DEFAULTS;
        private GrpcTls grpcTls = GrpcTls.DISABLED;
        private FrontendTlsSettings frontendTls = FrontendTlsSettings.DISABLED;
        private ShardTlsSettings shardTls = ShardTlsSettings.DISABLED;
        private int httpPort = HTTP_PORT_OFF;
        private HealthSettings health = HealthSettings.DEFAULTS;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration pauseTimeout = DEFAULT_PAUSE_TIMEOUT;
        private ClientLimits clientLimits = ClientLimits.DEFAULTS;

        private Builder() {
        }

        public Builder host(String value) { host = value; return this; }
        public Builder routerPort(int value) { routerPort = value; return this; }
        public Builder adminConsolePort(int value) { adminConsolePort = value; return this; }
        public Builder grpcApiPort(int value) { grpcApiPort = value; return this; }
        public Builder withCoordinator(boolean value) { withCoordinator = value; return this; }
        public Builder coordinatorAddress(String value) { coordinatorAddress = value; return this; }
        public Builder routerMode(RouterMode value) { routerMode = value; return this; }
        public Builder logLevel(LogLevel value) { logLevel = value; return this; }
        public Builder qdbFile(Path value) { qdbFile = value; return this; }
        public Builder initSqlFile(Path value) { initSqlFile = value; return this; }
        public Builder poolWaitTimeout(Duration value) { poolWaitTimeout = value; return this; }
        public Builder clientIdleTimeout(Duration value) { clientIdleTimeout = value; return this; }
        public Builder maxMessageLength(int bytes) { maxMessageLength = bytes; return this; }
        public Builder defaultRouteBehaviour(DefaultRouteBehaviour value) { defaultRouteBehaviour = value; return this; }
        public Builder lockWaitTimeout(Duration value) { lockWaitTimeout = value; return this; }
        public Builder commitStrategy(CommitStrategy value) { commitStrategy = value; return this; }
        /** SPQR's show_notice_messages: sessions start with {@code __spqr__reply_notice} on. */
        public Builder showNoticeMessages(boolean value) { showNoticeMessages = value; return this; }
        /** Citus's citus.max_intermediate_result_size: bytes a statement finished on one shard may pull. */
        public Builder maxIntermediateResultSize(long bytes) { maxIntermediateResultSize = bytes; return this; }
        public Builder routerId(String value) { routerId = value; return this; }
        public Builder sequenceBlockSize(int value) { sequenceBlockSize = value; return this; }
        public Builder eventLoops(int value) { eventLoops = value; return this; }
        public Builder shardLinks(ShardLinkSettings value) { shardLinks = value; return this; }
        public Builder grpcTls(GrpcTls value) { grpcTls = value; return this; }
        public Builder frontendTls(FrontendTlsSettings value) { frontendTls = value; return this; }
        public Builder shardTls(ShardTlsSettings value) { shardTls = value; return this; }
        public Builder httpPort(int value) { httpPort = value; return this; }
        public Builder health(HealthSettings value) { health = value; return this; }
        public Builder shutdownTimeout(Duration value) { shutdownTimeout = value; return this; }
        public Builder pauseTimeout(Duration value) { pauseTimeout = value; return this; }
        public Builder clientLimits(ClientLimits value) { clientLimits = value; return this; }

        /** Appends a rule; console rules go here too and end up in {@code consoleRules}. */
        public Builder frontendRule(FrontendRule rule) {
            frontendRules.add(rule);
            return this;
        }

        /** Replaces all frontend rules, console rules included. */
        public Builder frontendRules(List<FrontendRule> rules) {
            frontendRules.clear();
            frontendRules.addAll(rules);
            return this;
        }

        public Builder backendRule(BackendRule rule) {
            backendRules.add(rule);
            return this;
        }

        public Builder backendRules(List<BackendRule> rules) {
            backendRules.clear();
            backendRules.addAll(rules);
            return this;
        }

        public Builder shard(String name, ShardConfig shard) {
            shards.put(name, shard);
            return this;
        }

        public Builder shards(Map<String, ShardConfig> all) {
            shards.clear();
            shards.putAll(all);
            return this;
        }

        /** @throws ConfigException when a check fails, naming the key path as in a file */
        public RouterConfig build() {
            return build(new ConfigSource(ConfigSource.IN_CODE_NAME));
        }

        RouterConfig build(ConfigSource source) {
            RouterConfigChecks.check(this, source);
            return new RouterConfig(host, routerPort, adminConsolePort, grpcApiPort, withCoordinator,
                    coordinatorAddress, routerMode,
                    logLevel,
                    frontendRules.stream().filter(rule -> !rule.isConsoleRule()).toList(),
                    backendRules, shards,
                    frontendRules.stream().filter(FrontendRule::isConsoleRule).toList(),
                    qdbFile, initSqlFile, poolWaitTimeout, clientIdleTimeout, maxMessageLength,
                    defaultRouteBehaviour, lockWaitTimeout, commitStrategy, routerId, sequenceBlockSize, eventLoops, shardLinks,
                    grpcTls,
                    frontendTls, shardTls, httpPort, health, shutdownTimeout, pauseTimeout, clientLimits,
                    showNoticeMessages, maxIntermediateResultSize);
        }

        // Read by RouterConfigChecks, which sees the rules before console rules are split off.
        String host() { return host; }
        int routerPort() { return routerPort; }
        int adminConsolePort() { return adminConsolePort; }
        int grpcApiPort() { return grpcApiPort; }
        boolean withCoordinator() { return withCoordinator; }
        String coordinatorAddress() { return coordinatorAddress; }
        RouterMode routerMode() { return routerMode; }
        LogLevel logLevel() { return logLevel; }
        List<FrontendRule> frontendRules() { return frontendRules; }
        List<BackendRule> backendRules() { return backendRules; }
        Map<String, ShardConfig> shards() { return shards; }
        Path qdbFile() { return qdbFile; }
        Path initSqlFile() { return initSqlFile; }
        Duration poolWaitTimeout() { return poolWaitTimeout; }
        Duration clientIdleTimeout() { return clientIdleTimeout; }
        int maxMessageLength() { return maxMessageLength; }
        DefaultRouteBehaviour defaultRouteBehaviour() { return defaultRouteBehaviour; }
        Duration lockWaitTimeout() { return lockWaitTimeout; }
        ShardLinkSettings shardLinks() { return shardLinks; }
        HealthSettings health() { return health; }
        ClientLimits clientLimits() { return clientLimits; }
        String routerId() { return routerId; }
        int sequenceBlockSize() { return sequenceBlockSize; }
        int eventLoops() { return eventLoops; }
        GrpcTls grpcTls() { return grpcTls; }
        FrontendTlsSettings frontendTls() { return frontendTls; }
        ShardTlsSettings shardTls() { return shardTls; }
        int httpPort() { return httpPort; }
        Duration shutdownTimeout() { return shutdownTimeout; }
        Duration pauseTimeout() { return pauseTimeout; }
    }
}
