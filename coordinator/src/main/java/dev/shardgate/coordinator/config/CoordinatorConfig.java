package dev.shardgate.coordinator.config;

import dev.shardgate.qdb.tls.EtcdTls;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.wire.auth.PasswordExchange;
import dev.shardgate.wire.tls.FrontendTlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * coordinator.yaml in SPQR's shape. Unknown keys are refused, so a misspelt key fails at startup
 * instead of being silently ignored.
 *
 * @param qdbAddr {@code host:port} of etcd; empty keeps the metadata in memory (tests, demos)
 * @param logLevel upper case, as logback names levels
 * @param frontendRules who may open the console; empty lets anyone in without a password
 * @param dataMove how REDISTRIBUTE KEY RANGE reaches the shards' data
 * @param grpcTls TLS of the gRPC API routers call and of the coordinator's calls to routers
 * @param qdbTls TLS towards etcd
 * @param httpPort where /metrics, /healthz and /readyz are served; -1 (the default) serves none, 0 a free port
 * @param frontendTls TLS for clients of the console ({@code frontend_tls}, the router's section)
 * @param balancer the continuous balancer, off by default
 */
public record CoordinatorConfig(String host, int coordinatorPort, int grpcApiPort, String qdbAddr, String logLevel,
                                List<ConsoleRule> frontendRules, DataMoveConfig dataMove, GrpcTls grpcTls,
                                EtcdTls qdbTls, int httpPort, FrontendTlsSettings frontendTls,
                                BalancerConfig balancer) {
    /** The HTTP port is off unless configured. */
    public static final int HTTP_PORT_OFF = -1;
    private static final List<String> TOP_KEYS = List.of(
            "host", "coordinator_port", "grpc_api_port", "http_port", "qdb_addr", "log_level", "frontend_rules", "data_move",
            "grpc_server_tls", "grpc_client_tls", "qdb_tls", "frontend_tls", "balancer");
    private static final List<String> DATA_MOVE_KEYS = List.of("database", "user", "password", "batch_size", "batch_lock");
    private static final List<String> RULE_KEYS = List.of("db", "usr", "auth_rule", "require_tls");
    private static final List<String> AUTH_KEYS = List.of("auth_method", "password");
    private static final List<String> LOG_LEVELS = List.of("debug", "info", "warning", "warn", "error", "fatal");

    /**
     * Every key coordinator.yaml accepts, as docs/configuration.md names it (top-level keys bare,
     * the others behind their section); the reference test checks the docs against it.
     */
    public static List<String> knownKeys() {
        List<String> keys = new ArrayList<>(TOP_KEYS);
        DATA_MOVE_KEYS.forEach(key -> keys.add("data_move." + key));
        RULE_KEYS.forEach(key -> keys.add("frontend_rules." + key));
        AUTH_KEYS.forEach(key -> keys.add("frontend_rules.auth_rule." + key));
        TlsSections.SERVER_KEYS.forEach(key -> keys.add("grpc_server_tls." + key));
        TlsSections.CLIENT_KEYS.forEach(key -> keys.add("grpc_client_tls." + key));
        TlsSections.ETCD_KEYS.forEach(key -> keys.add("qdb_tls." + key));
        FrontendTlsSettings.KEYS.forEach(key -> keys.add("frontend_tls." + key));
        BalancerConfig.KEYS.forEach(key -> keys.add("balancer." + key));
        SpqrCoordinatorKeys.addKnownKeys(keys);
        return List.copyOf(keys);
    }

    public CoordinatorConfig {
        Objects.requireNonNull(host);
        Objects.requireNonNull(qdbAddr);
        Objects.requireNonNull(logLevel);
        frontendRules = List.copyOf(frontendRules);
        Objects.requireNonNull(dataMove);
        Objects.requireNonNull(grpcTls);
        Objects.requireNonNull(qdbTls);
        Objects.requireNonNull(frontendTls);
        Objects.requireNonNull(balancer);
    }

    /** Without frontend_tls, with the balancer off. */
    public CoordinatorConfig(String host, int coordinatorPort, int grpcApiPort, String qdbAddr, String logLevel,
                             List<ConsoleRule> frontendRules, DataMoveConfig dataMove, GrpcTls grpcTls,
                             EtcdTls qdbTls, int httpPort) {
        this(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove, grpcTls, qdbTls, httpPort,
                FrontendTlsSettings.DISABLED, BalancerConfig.defaults());
    }

    public CoordinatorConfig withBalancer(BalancerConfig value) {
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove,
                grpcTls, qdbTls, httpPort, frontendTls, value);
    }

    /** Without TLS. */
    public CoordinatorConfig(String host, int coordinatorPort, int grpcApiPort, String qdbAddr, String logLevel,
                             List<ConsoleRule> frontendRules, DataMoveConfig dataMove) {
        this(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove, GrpcTls.DISABLED,
                EtcdTls.DISABLED, HTTP_PORT_OFF);
    }

    /** Without an HTTP port. */
    public CoordinatorConfig(String host, int coordinatorPort, int grpcApiPort, String qdbAddr, String logLevel,
                             List<ConsoleRule> frontendRules, DataMoveConfig dataMove, GrpcTls grpcTls, EtcdTls qdbTls) {
        this(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove, grpcTls, qdbTls,
                HTTP_PORT_OFF);
    }

    public CoordinatorConfig withHttpPort(int port) {
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove,
                grpcTls, qdbTls, port, frontendTls, balancer);
    }

    /** With {@link DataMoveConfig#defaults()}, without TLS. */
    public CoordinatorConfig(String host, int coordinatorPort, int grpcApiPort, String qdbAddr, String logLevel,
                             List<ConsoleRule> frontendRules) {
        this(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, DataMoveConfig.defaults());
    }

    public CoordinatorConfig withDataMove(DataMoveConfig value) {
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, value,
                grpcTls, qdbTls, httpPort, frontendTls, balancer);
    }

    /** @throws dev.shardgate.qdb.tls.TlsConfigException when a file cannot be used */
    public CoordinatorConfig withGrpcTls(GrpcTls value) {
        value.server().check();
        value.client().check();
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove,
                value, qdbTls, httpPort, frontendTls, balancer);
    }

    /** @throws dev.shardgate.qdb.tls.TlsConfigException when a file cannot be used */
    public CoordinatorConfig withQdbTls(EtcdTls value) {
        value.check();
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove,
                grpcTls, value, httpPort, frontendTls, balancer);
    }

    /** Defaults as SPQR's: all interfaces, console on 7002, in-memory metadata. */
    public static CoordinatorConfig defaults() {
        return new CoordinatorConfig("0.0.0.0", 7002, 7003, "", "INFO", List.of());
    }

    public CoordinatorConfig withCoordinatorPort(int port) {
        return new CoordinatorConfig(host, port, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove, grpcTls, qdbTls, httpPort,
                frontendTls, balancer);
    }

    public CoordinatorConfig withGrpcApiPort(int port) {
        return new CoordinatorConfig(host, coordinatorPort, port, qdbAddr, logLevel, frontendRules, dataMove, grpcTls, qdbTls, httpPort,
                frontendTls, balancer);
    }

    public CoordinatorConfig withQdbAddr(String addr) {
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, addr, logLevel, frontendRules, dataMove, grpcTls,
                qdbTls, httpPort, frontendTls, balancer);
    }

    /** With TLS for console clients. */
    public CoordinatorConfig withFrontendTls(FrontendTlsSettings value) {
        return new CoordinatorConfig(host, coordinatorPort, grpcApiPort, qdbAddr, logLevel, frontendRules, dataMove,
                grpcTls, qdbTls, httpPort, value, balancer);
    }

    public static CoordinatorConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new CoordinatorConfigException(file.toString(), "", "cannot read: " + e.getMessage(), e);
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** @param source how errors name the text, usually the file name; relative paths stay as written */
    public static CoordinatorConfig parse(String text, String source) {
        return parse(text, source, null);
    }

    /** @param baseDir what relative certificate paths are resolved against, or null to keep them */
    private static CoordinatorConfig parse(String text, String source, Path baseDir) {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw new CoordinatorConfigException(source, "", "not valid YAML: " + e.getMessage(), e);
        }
        Section top = new Section(source, "", root == null ? Map.of() : root, TOP_KEYS, SpqrCoordinatorKeys.topKeys());
        CoordinatorConfig d = defaults();
        List<ConsoleRule> rules = new ArrayList<>();
        List<?> ruleList = top.list("frontend_rules");
        for (int i = 0; i < ruleList.size(); i++) {
            Section rule = new Section(source, "frontend_rules[" + i + "]", ruleList.get(i), RULE_KEYS,
                    List.copyOf(SpqrCoordinatorKeys.RULE_IGNORED.keySet()));
            SpqrCoordinatorKeys.ignored(rule, SpqrCoordinatorKeys.RULE_IGNORED, source);
            rules.add(rule(rule, source));
        }
        SpqrCoordinatorKeys.ignored(top, SpqrCoordinatorKeys.TOP_IGNORED, source);
        DataMoveConfig dataMove = top.section("data_move", DATA_MOVE_KEYS).map(CoordinatorConfig::dataMove).orElse(d.dataMove());
        if (top.has("data_move_bound_batch_size")) {
            if (top.section("data_move", DATA_MOVE_KEYS).flatMap(section -> section.text("batch_size")).isPresent()) {
                throw top.error("data_move_bound_batch_size", "means data_move.batch_size, which is also given; give one of them");
            }
            if (top.section("data_move", DATA_MOVE_KEYS).flatMap(section -> section.text("batch_lock")).isPresent()) {
                throw top.error("data_move_bound_batch_size", "fixes the rows per batch, which data_move.batch_lock sizes by "
                        + "time; give one of them");
            }
            dataMove = new DataMoveConfig(dataMove.database(), dataMove.user(), dataMove.password(),
                    batchSize(top, "data_move_bound_batch_size").orElseThrow());
        }
        FrontendTlsSettings frontendTls = ConsoleTlsSection.read(top, baseDir);
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).requireTls() && !frontendTls.mode().offersTls()) {
                throw new CoordinatorConfigException(source, "frontend_rules[" + i + "].require_tls",
                        "needs frontend_tls with an sslmode other than disable");
            }
        }
        return new CoordinatorConfig(
                top.text("host").orElse(d.host()),
                top.port("coordinator_port").orElse(d.coordinatorPort()),
                top.port("grpc_api_port").orElse(d.grpcApiPort()),
                qdbAddr(top).orElse(d.qdbAddr()),
                top.oneOf("log_level", LOG_LEVELS).map(CoordinatorConfig::logbackLevel).orElse(d.logLevel()),
                rules,
                dataMove,
                TlsSections.grpc(top, baseDir),
                TlsSections.etcd(top, baseDir),
                httpPort(top),
                frontendTls, top.section("balancer", BalancerConfig.KEYS).map(BalancerConfig::read).orElse(d.balancer()));
    }

    /** qdb_addr, or SPQR's qdb_addrs: a list of etcd endpoints, which qdb_addr writes comma-separated. */
    private static Optional<String> qdbAddr(Section top) {
        if (SpqrCoordinatorKeys.keyOf(top, "qdb_addr").equals("qdb_addrs")) {
            List<?> addresses = top.list("qdb_addrs");
            return addresses.isEmpty() ? Optional.empty()
                    : Optional.of(String.join(",", addresses.stream().map(String::valueOf).toList()));
        }
        return top.text("qdb_addr");
    }

    /** A port, or -1 to leave the HTTP port closed. */
    private static int httpPort(Section top) {
        Optional<String> text = top.text("http_port");
        if (text.isPresent() && text.get().trim().equals(Integer.toString(HTTP_PORT_OFF))) {
            return HTTP_PORT_OFF;
        }
        return top.port("http_port").orElse(HTTP_PORT_OFF);
    }

    /** A batch_size fixes the rows per batch; without one, batches are sized by time (batch_lock). */
    private static DataMoveConfig dataMove(Section section) {
        DataMoveConfig d = DataMoveConfig.defaults();
        String database = section.text("database").orElse(d.database());
        String user = section.text("user").orElse(d.user());
        String password = section.text("password").orElse(d.password());
        Optional<Integer> rows = batchSize(section, "batch_size");
        if (rows.isPresent()) {
            if (section.text("batch_lock").isPresent()) {
                throw section.error("batch_lock", "sizes batches by time, which batch_size fixes in rows; give one of them");
            }
            return new DataMoveConfig(database, user, password, rows.get());
        }
        return new DataMoveConfig(database, user, password, d.batchSize(),
                section.text("batch_lock").map(text -> batchLock(section, text)).orElse(d.batchLock()));
    }

    /** A duration as router.yaml's ({@code 500ms}, {@code 2s}): how long a batch sized by time should keep its key range locked. */
    private static java.time.Duration batchLock(Section section, String text) {
        java.time.Duration lock = dev.shardgate.console.exec.ConfigDurations.parse(text.trim().toLowerCase(java.util.Locale.ROOT))
                .orElse(java.time.Duration.ZERO);
        if (lock.compareTo(java.time.Duration.ofMillis(10)) < 0) {
            throw section.error("batch_lock", "must be a duration of at least 10ms (500ms, 2s, 1s500ms), got '" + text + "'");
        }
        return lock;
    }

    private static Optional<Integer> batchSize(Section section, String key) {
        return section.text(key).map(text -> {
            int rows;
            try {
                rows = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                rows = 0;
            }
            if (rows < 1) {
                throw section.error(key, "must be a positive number of rows, not " + text);
            }
            return rows;
        });
    }

    private static ConsoleRule rule(Section rule, String source) {
        String db = rule.text("db").orElseThrow(() -> rule.error("db", "is required"));
        String usr = rule.text("usr").orElseThrow(() -> rule.error("usr", "is required"));
        Section auth = rule.section("auth_rule", AUTH_KEYS, List.copyOf(SpqrCoordinatorKeys.AUTH_IGNORED.keySet()))
                .orElseThrow(() -> rule.error("auth_rule", "is required"));
        SpqrCoordinatorKeys.ignored(auth, SpqrCoordinatorKeys.AUTH_IGNORED, source);
        String methodName = auth.oneOf("auth_method", List.of("ok", "clear_text", "md5", "scram"))
                .orElseThrow(() -> auth.error("auth_method", "is required"));
        PasswordExchange.Method method = switch (methodName) {
            case "clear_text" -> PasswordExchange.Method.CLEAR_TEXT;
            case "md5" -> PasswordExchange.Method.MD5;
            case "scram" -> PasswordExchange.Method.SCRAM;
            default -> PasswordExchange.Method.TRUST;
        };
        Optional<String> password = auth.text("password");
        if (method != PasswordExchange.Method.TRUST && password.isEmpty()) {
            throw auth.error("password", "is required for auth_method " + methodName);
        }
        return new ConsoleRule(db, usr, method, method == PasswordExchange.Method.TRUST ? null : password.get(),
                rule.oneOf("require_tls", List.of("true", "false")).map(Boolean::parseBoolean).orElse(false));
    }

    private static String logbackLevel(String level) {
        return switch (level) {
            case "warning" -> "WARN";
            case "fatal" -> "ERROR";
            default -> level.toUpperCase(Locale.ROOT);
        };
    }
}
