package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks a config must pass whether it was read from a file or built in code: ranges, rules
 * that name their db and usr, passwords where a method needs one, no two rules for one pair, and a
 * backend rule for every client frontend rule. The first failure is thrown, with its key path.
 */
final class RouterConfigChecks {
    private RouterConfigChecks() {
    }

    static void check(RouterConfig.Builder config, ConfigSource source) {
        checkListenAddress(config, source);
        checkTimeouts(config, source);
        checkMaxMessageLength("max_message_size", config.maxMessageLength(), source);
        checkFrontendRules(config.frontendRules(), source);
        checkBackendRules(config.backendRules(), source);
        checkEveryClientRuleHasBackend(config.frontendRules(), config.backendRules(), source);
        checkShards(config.shards(), source);
        checkTls(config, source);
        if (config.qdbFile() != null && config.qdbFile().toString().isBlank()) {
            throw source.error("qdb_file", "must not be empty");
        }
        if (config.initSqlFile() != null && config.initSqlFile().toString().isBlank()) {
            throw source.error("init_sql", "must not be empty");
        }
        checkCoordinator(config, source);
        GrpcTlsReader.check(config.grpcTls(), config.withCoordinator(), source);
        checkRange(source, "sequence_block_size", IntRange.SEQUENCE_BLOCK_SIZE, config.sequenceBlockSize());
        checkRange(source, "event_loops", IntRange.EVENT_LOOPS, config.eventLoops());
        checkRange(source, "http_port", IntRange.HTTP_PORT, config.httpPort());
        if (config.routerId() != null && !config.routerId().matches("[A-Za-z0-9]{1,32}")) {
            throw source.error("router_id", "must be 1 to 32 letters or digits, it names prepared transactions");
        }
    }

    /** With a coordinator, all metadata (shards included) comes from the coordinator's QDB. */
    private static void checkCoordinator(RouterConfig.Builder config, ConfigSource source) {
        if (!config.withCoordinator()) {
            if (!config.coordinatorAddress().isBlank()) {
                throw source.error("coordinator_address", "needs with_coordinator: true");
            }
            return;
        }
        String because = "cannot be used with with_coordinator: true; the coordinator holds the metadata";
        if (config.qdbFile() != null) {
            throw source.error("qdb_file", because);
        }
        if (config.initSqlFile() != null) {
            throw source.error("init_sql", because + " (run the commands on its console)");
        }
        if (!config.shards().isEmpty()) {
            throw source.error("shards", because + " (CREATE SHARD on its console)");
        }
        try {
            dev.shardgate.qdb.SyncEndpoint.parseList(config.coordinatorAddress());
        } catch (dev.shardgate.meta.MetadataException e) {
            throw source.error("coordinator_address", e.getMessage());
        }
    }

    private static void checkListenAddress(RouterConfig.Builder config, ConfigSource source) {
        if (config.host() == null || config.host().isBlank()) {
            throw source.error("host", "must not be empty");
        }
        checkRange(source, "router_port", IntRange.PORT, config.routerPort());
        checkRange(source, "admin_console_port", IntRange.PORT, config.adminConsolePort());
        checkRange(source, "grpc_api_port", IntRange.PORT, config.grpcApiPort());
        if (config.adminConsolePort() == config.routerPort() && config.routerPort() != 0) {
            throw source.error("admin_console_port", "must differ from router_port, both are " + config.routerPort());
        }
        if (config.grpcApiPort() == config.routerPort() && config.routerPort() != 0) {
            throw source.error("grpc_api_port", "must differ from router_port, both are " + config.routerPort());
        }
        if (config.grpcApiPort() == config.adminConsolePort() && config.grpcApiPort() != 0) {
            throw source.error("grpc_api_port",
                    "must differ from admin_console_port, both are " + config.adminConsolePort());
        }
    }

    private static void checkTimeouts(RouterConfig.Builder config, ConfigSource source) {
        checkPositive(source, "pool_wait_timeout", config.poolWaitTimeout());
        checkPositive(source, "pause_timeout", config.pauseTimeout());
        checkPositive(source, "lock_wait_timeout", config.lockWaitTimeout());
        if (config.shutdownTimeout() == null || config.shutdownTimeout().isNegative()) {
            throw source.error("shutdown_timeout", "must not be negative (0 closes every client at once)");
        }
        if (config.clientIdleTimeout() != null && config.clientIdleTimeout().isNegative()) {
            throw source.error("client_idle_timeout", "must not be negative (0 means no timeout)");
        }
        ClientLimits limits = config.clientLimits();
        checkPositive(source, "auth_timeout", limits.authTimeout());
        if (limits.authFailureDelay().isNegative()) {
            throw source.error("auth_failure_delay", "must not be negative (0 turns the delay off)");
        }
        if (!IntRange.MAX_CLIENTS.contains(limits.maxClients())) {
            throw source.error("max_clients", IntRange.MAX_CLIENTS.mustBe() + ", got " + limits.maxClients());
        }
        ShardLinkSettings links = config.shardLinks();
        checkPositive(source, "server_connect_timeout", links.serverConnectTimeout());
        checkPositive(source, "cancel_wait_timeout", links.cancelWaitTimeout());
        if (links.queryTimeout().isNegative()) {
            throw source.error("query_timeout", "must not be negative (0 means no limit)");
        }
        HealthSettings health = config.health();
        checkPositive(source, "health_check_interval", health.interval());
        checkPositive(source, "health_check_timeout", health.timeout());
        checkRange(source, "health_check_fails", IntRange.HEALTH_CHECK_COUNT, health.fails());
        checkRange(source, "health_check_successes", IntRange.HEALTH_CHECK_COUNT, health.successes());
        if (health.maxLagBytes() < 0 || health.maxLagTime().isNegative()) {
            throw source.error("max_replica_lag", "must not be negative (0 means no limit)");
        }
        if ((health.user() == null) != (health.database() == null)) {
            throw source.error(health.user() == null ? "health_check.user" : "health_check.database",
                    "is required when health_check names a " + (health.user() == null ? "database" : "user"));
        }
        if (links.tcpKeepIdle().isNegative()) {
            throw source.error("tcp_keepidle", "must not be negative (0 means the kernel's)");
        }
        if (links.tcpKeepInterval().isNegative()) {
            throw source.error("tcp_keepintvl", "must not be negative (0 means the kernel's)");
        }
    }

    private static void checkPositive(ConfigSource source, String key, Duration duration) {
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw source.error(key, "must be longer than 0, got '" + ConfigUnits.formatDuration(duration) + "'");
        }
    }

    static void checkMaxMessageLength(String key, long bytes, ConfigSource source) {
        if (bytes < RouterConfig.MIN_MESSAGE_LENGTH || bytes > RouterConfig.MAX_MESSAGE_LENGTH_LIMIT) {
            throw source.error(key, "must be a size between "
                    + ConfigUnits.formatSize(RouterConfig.MIN_MESSAGE_LENGTH) + " and "
                    + ConfigUnits.formatSize(RouterConfig.MAX_MESSAGE_LENGTH_LIMIT)
                    + ", got '" + ConfigUnits.formatSize(bytes) + "'");
        }
    }

    /** TLS that a rule or a shard asks for must be there to give, and cert only where a certificate can be seen. */
    private static void checkTls(RouterConfig.Builder config, ConfigSource source) {
        FrontendTlsSettings tls = config.frontendTls();
        List<FrontendRule> rules = config.frontendRules();
        for (int i = 0; i < rules.size(); i++) {
            FrontendRule rule = rules.get(i);
            String path = ConfigSource.element("frontend_rules", i);
            if (rule.requireTls() && !tls.mode().offersTls()) {
                throw source.error(ConfigSource.child(path, "require_tls"), "needs frontend_tls with an sslmode other than disable");
            }
            if (rule.authRule().method() == AuthMethod.CERT) {
                if (rule.isConsoleRule()) {
                    throw source.error(ConfigSource.child(path, "auth_rule"), "auth_method cert is not supported for console rules");
                }
                if (!tls.mode().offersTls() || tls.files().rootCertFile() == null) {
                    throw source.error(ConfigSource.child(path, "auth_rule"),
                            "auth_method cert needs frontend_tls with root_cert_file (the CAs of client certificates)");
                }
            }
        }
        tls.problem().ifPresent(problem -> {
            throw source.error("frontend_tls", problem);
        });
        List<BackendRule> backendRules = config.backendRules();
        for (int i = 0; i < backendRules.size(); i++) {
            if (backendRules.get(i).authRule().method() == AuthMethod.CERT) {
                throw source.error(ConfigSource.child(ConfigSource.element("backend_rules", i), "auth_rule"),
                        "auth_method cert is for clients; towards shards set the shard's tls cert_file and key_file");
            }
        }
        if (config.shardTls().mode() == dev.shardgate.wire.tls.SslMode.ALLOW) {
            throw source.error("shard_tls.sslmode", "allow is not supported towards shards; use prefer or disable");
        }
        config.shards().forEach((name, shard) -> {
            if (shard.tls().mode() == dev.shardgate.wire.tls.SslMode.ALLOW) {
                throw source.error("shards." + name + ".tls.sslmode", "allow is not supported towards shards; use prefer or disable");
            }
        });
    }

    private static void checkFrontendRules(List<FrontendRule> rules, ConfigSource source) {
        var seen = new HashMap<String, String>();
        boolean anyClientRule = false;
        for (int i = 0; i < rules.size(); i++) {
            FrontendRule rule = rules.get(i);
            String path = ConfigSource.element("frontend_rules", i);
            checkRuleTarget(source, path, rule.db(), rule.usr(), rule.poolDefault());
            checkAuthRule(source, ConfigSource.child(path, "auth_rule"), rule.authRule());
            String pair = rule.poolDefault() ? "pool_default"
                    : rule.isConsoleRule() ? "console rule for usr '" + rule.usr() + "'"
                    : "rule for db '" + rule.db() + "' usr '" + rule.usr() + "'";
            checkUnique(source, seen, pair, path);
            anyClientRule |= !rule.isConsoleRule();
        }
        if (!anyClientRule) {
            throw source.error("frontend_rules", "must hold at least one rule for client databases (rules for "
                    + String.join(", ", FrontendRule.CONSOLE_DATABASES.stream().sorted().toList())
                    + " only admit users to the admin console)");
        }
    }

    private static void checkBackendRules(List<BackendRule> rules, ConfigSource source) {
        var seen = new HashMap<String, String>();
        for (int i = 0; i < rules.size(); i++) {
            BackendRule rule = rules.get(i);
            String path = ConfigSource.element("backend_rules", i);
            checkRuleTarget(source, path, rule.db(), rule.usr(), rule.poolDefault());
            checkRange(source, ConfigSource.child(path, "connection_limit"), IntRange.CONNECTION_LIMIT,
                    rule.connectionLimit());
            checkAuthRule(source, ConfigSource.child(path, "auth_rule"), rule.authRule());
            String pair = rule.poolDefault() ? "pool_default"
                    : "rule for db '" + rule.db() + "' usr '" + rule.usr() + "'";
            checkUnique(source, seen, pair, path);
        }
    }

    private static void checkUnique(ConfigSource source, Map<String, String> seen, String pair, String path) {
        String earlier = seen.putIfAbsent(pair, path);
        if (earlier != null) {
            String what = pair.equals("pool_default") ? "second pool_default rule" : "duplicate " + pair;
            throw source.error(path, what + ", already in " + earlier);
        }
    }

    private static void checkRuleTarget(ConfigSource source, String path, String db, String usr, boolean poolDefault) {
        checkRuleTargetKey(source, ConfigSource.child(path, "db"), db, poolDefault);
        checkRuleTargetKey(source, ConfigSource.child(path, "usr"), usr, poolDefault);
    }

    private static void checkRuleTargetKey(ConfigSource source, String keyPath, String value, boolean poolDefault) {
        if (poolDefault && value != null) {
            throw source.error(keyPath, "must not be set on a pool_default rule, which serves every db and usr");
        }
        if (!poolDefault && value == null) {
            throw source.error(keyPath, "is required unless pool_default is true");
        }
        if (!poolDefault && value.isBlank()) {
            throw source.error(keyPath, "must not be empty");
        }
    }

    private static void checkAuthRule(ConfigSource source, String path, AuthRule rule) {
        String passwordPath = ConfigSource.child(path, "password");
        String method = rule.method().configName();
        if (rule.method().needsPassword() && rule.password() == null) {
            throw source.error(passwordPath, "is required when auth_method is " + method);
        }
        if (rule.method().needsPassword() && rule.password().isEmpty()) {
            throw source.error(passwordPath, "must not be empty");
        }
        if (!rule.method().needsPassword() && rule.password() != null) {
            throw source.error(passwordPath, "must not be set when auth_method is " + method);
        }
    }

    private static void checkEveryClientRuleHasBackend(
            List<FrontendRule> frontendRules, List<BackendRule> backendRules, ConfigSource source) {
        if (backendRules.stream().anyMatch(BackendRule::poolDefault)) {
            return;
        }
        for (int i = 0; i < frontendRules.size(); i++) {
            FrontendRule rule = frontendRules.get(i);
            String path = ConfigSource.element("frontend_rules", i);
            if (rule.poolDefault()) {
                throw source.error(path, "a pool_default frontend rule needs a pool_default backend rule");
            }
            if (!rule.isConsoleRule() && backendRules.stream().noneMatch(backend -> backend.matches(rule.db(), rule.usr()))) {
                throw source.error(path, "no backend rule for db '" + rule.db() + "' usr '" + rule.usr()
                        + "' and no pool_default backend rule");
            }
        }
    }

    private static void checkShards(Map<String, ShardConfig> shards, ConfigSource source) {
        for (Map.Entry<String, ShardConfig> shard : shards.entrySet()) {
            String path = ConfigSource.child("shards", shard.getKey());
            if (shard.getKey().isBlank()) {
                throw source.error("shards", "shard names must not be empty");
            }
            List<String> hosts = shard.getValue().hosts();
            if (hosts.isEmpty()) {
                throw source.error(ConfigSource.child(path, "hosts"), "must list at least one 'host:port'");
            }
            for (int i = 0; i < hosts.size(); i++) {
                try {
                    ShardConfig.parseAddress(hosts.get(i));
                } catch (IllegalArgumentException e) {
                    throw source.error(ConfigSource.element(ConfigSource.child(path, "hosts"), i),
                            "must be 'host:port' with a port between 1 and 65535, got '" + hosts.get(i) + "'");
                }
            }
        }
    }

    private static void checkRange(ConfigSource source, String path, IntRange range, int value) {
        if (!range.contains(value)) {
            throw source.error(path, range.mustBe() + ", got '" + value + "'");
        }
    }
}
