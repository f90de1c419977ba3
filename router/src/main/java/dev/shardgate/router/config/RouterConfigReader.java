package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Turns router.yaml text into a {@link RouterConfig}: every key known, every value of its type.
 * The YAML is composed into nodes, not constructed into Java objects, so that values keep their
 * text and line and no YAML tag can instantiate anything.
 */
final class RouterConfigReader {
    static final List<String> TOP_KEYS = List.of(
            "host", "router_port", "admin_console_port", "grpc_api_port", "http_port", "with_coordinator", "coordinator_address",
            "router_mode",
            "log_level", "pool_wait_timeout", "client_idle_timeout", "shutdown_timeout", "pause_timeout", "lock_wait_timeout", "max_message_length",
            "max_message_size", "auth_timeout", "max_clients", "auth_failure_delay", "client_connection_rate",
            "default_route_behaviour", "commit_strategy", "show_notice_messages", "max_intermediate_result_size", "router_id", "sequence_block_size", "event_loops",
            "server_connect_timeout", "tcp_keepalive", "tcp_keepidle", "tcp_keepintvl", "tcp_keepcnt", "query_timeout", "cancel_wait_timeout",
            "health_check_interval", "health_check_timeout", "health_check_fails", "health_check_successes",
            "max_replica_lag", "health_check", "qdb_file", "init_sql", "frontend_tls", "shard_tls", "frontend_rules", "backend_rules", "shards",
            "grpc_server_tls", "grpc_client_tls");
    static final List<String> FRONTEND_RULE_KEYS = List.of("db", "usr", "pool_mode", "auth_rule", "pool_default", "require_tls",
            "target_session_attrs", "read_your_writes");
    static final List<String> BACKEND_RULE_KEYS = List.of(
            "db", "usr", "connection_limit", "pool_discard", "pool_rollback", "auth_rule", "pool_default");
    static final List<String> AUTH_RULE_KEYS = List.of("auth_method", "password");
    static final List<String> SHARD_KEYS = List.of("type", "hosts", "tls");
    private static final List<String> BACKEND_AUTH_SPQR_KEYS = SpqrRouterKeys.spqr(SpqrRouterKeys.BACKEND_AUTH_READ,
            SpqrRouterKeys.AUTH_RULE_IGNORED);
    private static final List<String> FRONTEND_AUTH_SPQR_KEYS = SpqrRouterKeys.spqr(List.of(), SpqrRouterKeys.AUTH_RULE_IGNORED);
    static final List<String> FRONTEND_TLS_KEYS = FrontendTlsSettings.KEYS;
    static final List<String> SHARD_TLS_KEYS = List.of("sslmode", "root_cert_file", "cert_file", "key_file");
    static final List<String> HEALTH_CHECK_KEYS = List.of("user", "database", "password");

    /**
     * Every key router.yaml accepts, as docs/configuration.md names it: top-level keys bare, the
     * others behind their section ({@code frontend_rules.auth_rule.password}, {@code shards.<name>.tls.sslmode}).
     * The reference test checks the docs against this list, so a key added to a *_KEYS list is
     * documented or the build says which one is missing.
     */
    static List<String> knownKeys() {
        List<String> keys = new java.util.ArrayList<>(TOP_KEYS);
        prefixed(keys, "frontend_rules.", FRONTEND_RULE_KEYS);
        prefixed(keys, "frontend_rules.auth_rule.", AUTH_RULE_KEYS);
        prefixed(keys, "backend_rules.", BACKEND_RULE_KEYS);
        prefixed(keys, "backend_rules.auth_rule.", AUTH_RULE_KEYS);
        prefixed(keys, "shards.<name>.", SHARD_KEYS);
        prefixed(keys, "shards.<name>.tls.", SHARD_TLS_KEYS);
        prefixed(keys, "shard_tls.", SHARD_TLS_KEYS);
        prefixed(keys, "frontend_tls.", FRONTEND_TLS_KEYS);
        prefixed(keys, "health_check.", HEALTH_CHECK_KEYS);
        prefixed(keys, "grpc_server_tls.", GrpcTlsReader.SERVER_KEYS);
        prefixed(keys, "grpc_client_tls.", GrpcTlsReader.CLIENT_KEYS);
        SpqrRouterKeys.addKnownKeys(keys);
        return List.copyOf(keys);
    }

    private static void prefixed(List<String> keys, String prefix, List<String> section) {
        section.forEach(key -> keys.add(prefix + key));
    }

    private RouterConfigReader() {
    }

    private static ShardLinkSettings shardLinks(YamlMapping top) {
        ShardLinkSettings defaults = ShardLinkSettings.DEFAULTS;
        return new ShardLinkSettings(
                top.duration("server_connect_timeout").orElse(defaults.serverConnectTimeout()),
                top.bool("tcp_keepalive").orElse(defaults.tcpKeepalive()),
                top.duration("tcp_keepidle").orElse(defaults.tcpKeepIdle()),
                top.duration("tcp_keepintvl").orElse(defaults.tcpKeepInterval()),
                top.integer("tcp_keepcnt", IntRange.TCP_KEEP_COUNT).orElse(defaults.tcpKeepCount()),
                top.duration("query_timeout").orElse(defaults.queryTimeout()),
                top.duration("cancel_wait_timeout").orElse(defaults.cancelWaitTimeout()));
    }

    private static HealthSettings health(YamlMapping top, ConfigSource source) {
        HealthSettings defaults = HealthSettings.DEFAULTS;
        long lagBytes = 0;
        java.time.Duration lagTime = java.time.Duration.ZERO;
        var lag = top.string("max_replica_lag");
        if (lag.isPresent()) {
            for (String part : lag.get().split(",")) {
                var time = ConfigUnits.parseDuration(part);
                var size = ConfigUnits.parseSize(part);
                if (time.isPresent() && !part.strip().equals("0")) {
                    lagTime = time.get();
                } else if (size.isPresent()) {
                    lagBytes = size.get();
                } else {
                    throw source.error(top.pathOf("max_replica_lag"), "must be a size such as '16MB', a duration such as "
                            + "'10s', or both ('16MB, 10s'); 0 is no limit, got '" + lag.get() + "'");
                }
            }
        }
        var credentials = top.mapping("health_check", HEALTH_CHECK_KEYS);
        return new HealthSettings(
                top.duration("health_check_interval").orElse(defaults.interval()),
                top.duration("health_check_timeout").orElse(defaults.timeout()),
                top.integer("health_check_fails", IntRange.HEALTH_CHECK_COUNT).orElse(defaults.fails()),
                top.integer("health_check_successes", IntRange.HEALTH_CHECK_COUNT).orElse(defaults.successes()),
                lagBytes, lagTime,
                credentials.flatMap(c -> c.string("user")).orElse(null),
                credentials.flatMap(c -> c.string("database")).orElse(null),
                credentials.flatMap(c -> c.string("password")).orElse(null));
    }

    private static ClientLimits clientLimits(YamlMapping top) {
        ClientLimits defaults = ClientLimits.DEFAULTS;
        return new ClientLimits(
                top.duration("auth_timeout").orElse(defaults.authTimeout()),
                top.integer("max_clients", IntRange.MAX_CLIENTS).orElse(defaults.maxClients()),
                top.duration("auth_failure_delay").orElse(defaults.authFailureDelay()),
                top.integer("client_connection_rate", IntRange.CONNECTION_RATE).orElse(defaults.connectionRate()));
    }

    /** @param baseDir directory that relative paths are resolved against, or null to keep them */
    static RouterConfig read(String text, ConfigSource source, Path baseDir) {
        Node root = compose(text, source);
        if (root == null) {
            throw source.error("", "configuration is empty; at least one frontend rule is required");
        }
        YamlMapping top = YamlMapping.of(source, "", root, TOP_KEYS, SpqrRouterKeys.topKeys());
        RouterConfig.Builder builder = RouterConfig.builder();
        top.string("host").map(SpqrRouterKeys::host).ifPresent(builder::host);
        top.integer("router_port", IntRange.PORT).ifPresent(builder::routerPort);
        top.integer("admin_console_port", IntRange.PORT).ifPresent(builder::adminConsolePort);
        top.integer("grpc_api_port", IntRange.PORT).ifPresent(builder::grpcApiPort);
        top.integer("http_port", IntRange.HTTP_PORT).ifPresent(builder::httpPort);
        top.bool("with_coordinator").ifPresent(builder::withCoordinator);
        top.string("coordinator_address").ifPresent(builder::coordinatorAddress);
        top.choice("router_mode", RouterMode.values(), RouterMode::configName).ifPresent(builder::routerMode);
        top.string("log_level").map(SpqrRouterKeys::logLevel).ifPresent(level -> builder.logLevel(java.util.stream.Stream
                .of(LogLevel.values()).filter(known -> known.configName().equalsIgnoreCase(level.strip())).findFirst()
                .orElseThrow(() -> source.error("log_level", "must be one of debug, info, warning, error, fatal, got '"
                        + level + "'"))));
        top.duration("pool_wait_timeout").ifPresent(builder::poolWaitTimeout);
        top.duration("client_idle_timeout").ifPresent(builder::clientIdleTimeout);
        top.duration("shutdown_timeout").ifPresent(builder::shutdownTimeout);
        top.duration("pause_timeout").ifPresent(builder::pauseTimeout);
        top.duration("lock_wait_timeout").ifPresent(builder::lockWaitTimeout);
        // max_message_size is the name PgDog and the docs use; max_message_length (SPQR's) still works
        if (top.string("max_message_size").isPresent() && top.string("max_message_length").isPresent()) {
            throw source.error("max_message_size", "give either max_message_size or its old name max_message_length, not both");
        }
        for (String key : List.of("max_message_size", "max_message_length")) {
            top.size(key).ifPresent(bytes -> {
                RouterConfigChecks.checkMaxMessageLength(key, bytes, source);
                builder.maxMessageLength(Math.toIntExact(bytes));
            });
        }
        top.choice("default_route_behaviour", DefaultRouteBehaviour.values(), DefaultRouteBehaviour::configName)
                .ifPresent(builder::defaultRouteBehaviour);
        top.choice("commit_strategy", CommitStrategy.values(), CommitStrategy::configName).ifPresent(builder::commitStrategy);
        top.bool("show_notice_messages").ifPresent(builder::showNoticeMessages);
        top.size("max_intermediate_result_size").ifPresent(bytes -> {
            if (bytes < 1) {
                throw source.error("max_intermediate_result_size", "must be a size of at least 1 byte, got '"
                        + ConfigUnits.formatSize(bytes) + "'");
            }
            builder.maxIntermediateResultSize(bytes);
        });
        top.string("router_id").ifPresent(builder::routerId);
        top.integer("sequence_block_size", IntRange.SEQUENCE_BLOCK_SIZE).ifPresent(builder::sequenceBlockSize);
        top.integer("event_loops", IntRange.EVENT_LOOPS).ifPresent(builder::eventLoops);
        builder.shardLinks(shardLinks(top));
        builder.grpcTls(GrpcTlsReader.read(top, baseDir));
        top.mapping("frontend_tls", FRONTEND_TLS_KEYS).ifPresent(tls -> builder.frontendTls(frontendTls(tls, source, baseDir)));
        // before the shards: a shard without a tls section of its own takes this one
        ShardTlsSettings shardTls = top.mapping("shard_tls", SHARD_TLS_KEYS)
                .map(section -> shardTls(section, baseDir)).orElse(ShardTlsSettings.DISABLED);
        builder.shardTls(shardTls);
        builder.health(health(top, source));
        builder.clientLimits(clientLimits(top));
        top.path("qdb_file", baseDir).ifPresent(builder::qdbFile);
        top.path("init_sql", baseDir).ifPresent(builder::initSqlFile);
        SpqrRouterKeys.readTop(top, builder, source, baseDir);
        TargetSessionAttrs defaultAttrs = SpqrRouterKeys.defaultTargetSessionAttrs(top);
        for (Map.Entry<String, Node> element : top.list("frontend_rules")) {
            builder.frontendRule(frontendRule(YamlMapping.of(source, element.getKey(), element.getValue(),
                    FRONTEND_RULE_KEYS, SpqrRouterKeys.spqr(List.of(), SpqrRouterKeys.FRONTEND_RULE_IGNORED)), defaultAttrs, source));
        }
        for (Map.Entry<String, Node> element : top.list("backend_rules")) {
            builder.backendRule(backendRule(YamlMapping.of(source, element.getKey(), element.getValue(),
                    BACKEND_RULE_KEYS, SpqrRouterKeys.spqr(SpqrRouterKeys.BACKEND_RULE_READ, SpqrRouterKeys.BACKEND_RULE_IGNORED)),
                    source));
        }
        top.mapping("shards", List.of()).ifPresent(shards -> {
            for (String name : shards.keys()) {
                // A shard written with no value gets no hosts, which the checks report.
                builder.shard(name, shards.mapping(name, SHARD_KEYS, SpqrRouterKeys.SHARD_READ)
                        .map(shard -> shard(shard, source, baseDir, shardTls))
                        .orElse(new ShardConfig(List.of(), ShardType.DATA, shardTls)));
            }
        });
        return builder.build(source);
    }

    private static Node compose(String text, ConfigSource source) {
        var options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(source.name(), line, "", "invalid YAML: " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new ConfigException(source.name(), 0, "", "invalid YAML: " + e.getMessage(), e);
        }
    }

    private static FrontendRule frontendRule(YamlMapping rule, TargetSessionAttrs defaultAttrs, ConfigSource source) {
        SpqrRouterKeys.ignored(rule, SpqrRouterKeys.FRONTEND_RULE_IGNORED, source);
        return new FrontendRule(
                rule.string("db").orElse(null),
                rule.string("usr").orElse(null),
                rule.choice("pool_mode", PoolMode.values(), PoolMode::configName).orElse(PoolMode.TRANSACTION),
                authRule(rule.mapping("auth_rule", AUTH_RULE_KEYS, FRONTEND_AUTH_SPQR_KEYS)
                        .orElseThrow(() -> rule.missing("auth_rule")), source),
                rule.bool("pool_default").orElse(false),
                rule.bool("require_tls").orElse(false),
                rule.choice("target_session_attrs", TargetSessionAttrs.values(), TargetSessionAttrs::spelling)
                        .orElse(defaultAttrs),
                rule.bool("read_your_writes").orElse(false));
    }

    private static BackendRule backendRule(YamlMapping rule, ConfigSource source) {
        SpqrRouterKeys.ignored(rule, SpqrRouterKeys.BACKEND_RULE_IGNORED, source);
        Optional<YamlMapping> auth = rule.mapping("auth_rule", AUTH_RULE_KEYS, BACKEND_AUTH_SPQR_KEYS);
        // SPQR's backend auth rules: auth_method may be left out, the password is what counts
        var shardLogins = new java.util.LinkedHashMap<String, ShardLogin>();
        rule.mapping("auth_rules", List.of()).ifPresent(perShard -> {
            for (String shard : perShard.keys()) {
                perShard.mapping(shard, AUTH_RULE_KEYS, BACKEND_AUTH_SPQR_KEYS).ifPresent(shardAuth -> {
                    if (shardAuth.has("auth_method")) {
                        authRule(shardAuth, source);
                    }
                    shardLogins.put(shard, new ShardLogin(null, shardAuth.string("usr").orElse(null),
                            shardAuth.string("password").orElse(null)));
                });
            }
        });
        return new BackendRule(
                rule.string("db").orElse(null),
                rule.string("usr").orElse(null),
                rule.integer("connection_limit", IntRange.CONNECTION_LIMIT).orElse(BackendRule.DEFAULT_CONNECTION_LIMIT),
                rule.bool("pool_discard").orElse(false),
                rule.bool("pool_rollback").orElse(true),
                auth.map(section -> backendAuthRule(section, source)).orElse(AuthRule.ok()),
                rule.bool("pool_default").orElse(false),
                new ShardLogin(null, auth.flatMap(section -> section.string("usr")).orElse(null), null),
                shardLogins);
    }

    /**
     * A backend rule's auth rule. SPQR's has no auth_method, only usr and password: a password is
     * given to a shard that asks for one (by whichever method it asks), no password means none.
     */
    private static AuthRule backendAuthRule(YamlMapping rule, ConfigSource source) {
        if (!rule.has("auth_method")) {
            SpqrRouterKeys.ignored(rule, SpqrRouterKeys.AUTH_RULE_IGNORED, source);
            return rule.string("password").map(password -> new AuthRule(AuthMethod.SCRAM, password)).orElse(AuthRule.ok());
        }
        return authRule(rule, source);
    }

    private static AuthRule authRule(YamlMapping rule, ConfigSource source) {
        SpqrRouterKeys.ignored(rule, SpqrRouterKeys.AUTH_RULE_IGNORED, source);
        rule.string("auth_method").map(text -> text.strip().toLowerCase(java.util.Locale.ROOT))
                .filter(List.of("notok", "ldap", "gss")::contains)
                .ifPresent(spqrOnly -> {
                    throw source.error(rule.pathOf("auth_method"), "SPQR's " + spqrOnly + " is not supported here; use one of "
                            + java.util.stream.Stream.of(AuthMethod.values()).map(AuthMethod::configName)
                                    .collect(java.util.stream.Collectors.joining(", ")));
                });
        AuthMethod method = rule.choice("auth_method", AuthMethod.values(), AuthMethod::configName)
                .orElseThrow(() -> rule.missing("auth_method"));
        Optional<String> password = rule.string("password");
        if (method == AuthMethod.OK && password.isPresent()) {
            // SPQR's own example writes one; like SPQR, the password is not asked for
            SpqrRouterKeys.passwordUnused(rule.pathOf("password"), source);
            return new AuthRule(method, null);
        }
        return new AuthRule(method, password.orElse(null));
    }

    private static ShardConfig shard(YamlMapping shard, ConfigSource source, Path baseDir, ShardTlsSettings defaultTls) {
        List<String> hosts = shard.list("hosts").stream()
                .map(element -> YamlMapping.scalarText(source, element.getKey(), element.getValue()))
                .toList();
        ShardTlsSettings tls = shard.mapping("tls", SHARD_TLS_KEYS).map(section -> shardTls(section, baseDir))
                .orElse(defaultTls);
        ShardLogin login = new ShardLogin(shard.string("db").orElse(null), shard.string("usr").orElse(null),
                shard.string("pwd").orElse(null));
        return new ShardConfig(hosts, shard.choice("type", ShardType.values(), ShardType::configName)
                .orElse(ShardType.DATA), tls, login);
    }

    /** A shard's tls section or shard_tls, the default of every shard: the same keys, the same meanings. */
    private static ShardTlsSettings shardTls(YamlMapping section, Path baseDir) {
        return new ShardTlsSettings(
                section.choice("sslmode", SslMode.values(), SslMode::configName).orElse(SslMode.DISABLE),
                section.path("root_cert_file", baseDir).orElse(null),
                section.path("cert_file", baseDir).orElse(null),
                section.path("key_file", baseDir).orElse(null));
    }

    private static FrontendTlsSettings frontendTls(YamlMapping tls, ConfigSource source, Path baseDir) {
        SslMode mode = tls.choice("sslmode", SslMode.values(), SslMode::configName).orElse(SslMode.DISABLE);
        if (!mode.offersTls()) {
            return FrontendTlsSettings.DISABLED;
        }
        Path cert = tls.path("cert_file", baseDir).orElseThrow(() -> tls.missing("cert_file"));
        Path key = tls.path("key_file", baseDir).orElseThrow(() -> tls.missing("key_file"));
        String minProtocol = tls.string("min_protocol").orElse(ServerTlsSettings.DEFAULT_MIN_PROTOCOL);
        if (!ServerTlsSettings.PROTOCOLS.contains(minProtocol)) {
            throw source.error(tls.pathOf("min_protocol"), "must be one of " + ServerTlsSettings.PROTOCOLS + ", not '" + minProtocol + "'");
        }
        List<String> ciphers = tls.list("ciphers").stream()
                .map(element -> YamlMapping.scalarText(source, element.getKey(), element.getValue()))
                .toList();
        return new FrontendTlsSettings(mode, new ServerTlsSettings(cert, key,
                tls.path("root_cert_file", baseDir).orElse(null), minProtocol, ciphers));
    }
}
