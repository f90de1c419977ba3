package dev.shardgate.router.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What RELOAD (or SIGHUP) does with a freshly read router.yaml: the config the router runs with
 * from now on, and one {@link KeyChange} per key whose value differs from the running one.
 *
 * <p>Keys read per login or per transaction (rules, pool limits, timeouts of clients and of the
 * pool, routing behaviour, log level) take the new value. Keys that shaped something built at start
 * — listeners and ports, the QDB and coordinator link, TLS contexts, the shard list, event loops,
 * the health checker and the shard connector — keep the running value and are reported as needing
 * a restart, so the router never runs half of a change.
 *
 * @param applied the config in force after the reload
 * @param changes in the order of docs/configuration.md; empty when the file says what runs already
 */
public record ReloadPlan(RouterConfig applied, List<KeyChange> changes) {
    /** What a masked secret looks like in a row or a log line. */
    static final String MASK = "********";
    /** A rule or shard the file does not have (any more, or yet). */
    static final String ABSENT = "(none)";

    /**
     * One changed key.
     *
     * @param isApplied true when the new value is in force now; false when it waits for a restart
     */
    public record KeyChange(String key, String oldValue, String newValue, boolean isApplied) {
        public KeyChange {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(oldValue, "oldValue");
            Objects.requireNonNull(newValue, "newValue");
        }

        /** {@code applied} or {@code needs restart}, as RELOAD's status column says. */
        public String status() {
            return isApplied ? "applied" : "needs restart";
        }
    }

    /** Keys whose values may hold passwords or key material: a change is reported, its value is not. */
    private static final Set<String> SECTIONS_WITH_SECRETS = Set.of("health_check", "grpc_server_tls", "grpc_client_tls",
            "shard_tls");

    private record Key(String name, Function<RouterConfig, Object> value, boolean isLive) {
    }

    /** The top-level keys in the order of docs/configuration.md, each with whether it applies live. */
    private static final List<Key> KEYS = List.of(
            restart("host", RouterConfig::host),
            restart("router_port", RouterConfig::routerPort),
            restart("admin_console_port", RouterConfig::adminConsolePort),
            restart("grpc_api_port", RouterConfig::grpcApiPort),
            restart("http_port", RouterConfig::httpPort),
            restart("router_id", c -> Objects.requireNonNullElse(c.routerId(), "")),
            restart("router_mode", c -> c.routerMode().configName()),
            live("log_level", c -> c.logLevel().configName()),
            restart("event_loops", RouterConfig::eventLoops),
            restart("with_coordinator", RouterConfig::withCoordinator),
            restart("coordinator_address", RouterConfig::coordinatorAddress),
            restart("grpc_server_tls", c -> c.grpcTls().server()),
            restart("grpc_client_tls", c -> c.grpcTls().client()),
            restart("qdb_file", c -> Objects.toString(c.qdbFile(), "")),
            restart("init_sql", c -> Objects.toString(c.initSqlFile(), "")),
            live("default_route_behaviour", c -> c.defaultRouteBehaviour().configName()),
            live("commit_strategy", c -> c.commitStrategy().configName()),
            live("show_notice_messages", RouterConfig::showNoticeMessages),
            restart("sequence_block_size", RouterConfig::sequenceBlockSize),
            restart("max_message_size", c -> ConfigUnits.formatSize(c.maxMessageLength())),
            live("max_intermediate_result_size", c -> ConfigUnits.formatSize(c.maxIntermediateResultSize())),
            live("pool_wait_timeout", c -> ConfigUnits.formatDuration(c.poolWaitTimeout())),
            live("client_idle_timeout", c -> ConfigUnits.formatDuration(c.clientIdleTimeout())),
            live("shutdown_timeout", c -> ConfigUnits.formatDuration(c.shutdownTimeout())),
            live("pause_timeout", c -> ConfigUnits.formatDuration(c.pauseTimeout())),
            live("lock_wait_timeout", c -> ConfigUnits.formatDuration(c.lockWaitTimeout())),
            live("auth_timeout", c -> ConfigUnits.formatDuration(c.clientLimits().authTimeout())),
            restart("max_clients", c -> c.clientLimits().maxClients()),
            restart("auth_failure_delay", c -> ConfigUnits.formatDuration(c.clientLimits().authFailureDelay())),
            restart("client_connection_rate", c -> c.clientLimits().connectionRate()),
            restart("query_timeout", c -> ConfigUnits.formatDuration(c.shardLinks().queryTimeout())),
            restart("cancel_wait_timeout", c -> ConfigUnits.formatDuration(c.shardLinks().cancelWaitTimeout())),
            restart("server_connect_timeout", c -> ConfigUnits.formatDuration(c.shardLinks().serverConnectTimeout())),
            restart("tcp_keepalive", c -> c.shardLinks().tcpKeepalive()),
            restart("tcp_keepidle", c -> ConfigUnits.formatDuration(c.shardLinks().tcpKeepIdle())),
            restart("tcp_keepintvl", c -> ConfigUnits.formatDuration(c.shardLinks().tcpKeepInterval())),
            restart("tcp_keepcnt", c -> c.shardLinks().tcpKeepCount()),
            restart("health_check_interval", c -> ConfigUnits.formatDuration(c.health().interval())),
            restart("health_check_timeout", c -> ConfigUnits.formatDuration(c.health().timeout())),
            restart("health_check_fails", c -> c.health().fails()),
            restart("health_check_successes", c -> c.health().successes()),
            restart("max_replica_lag", c -> c.health().maxLagText()),
            restart("health_check", ReloadPlan::healthCredentials),
            restart("frontend_tls", c -> c.frontendTls().mode().configName()
                    + (c.frontendTls().mode().offersTls() ? " cert_file=" + c.frontendTls().files().certFile() : "")),
            restart("shard_tls", c -> c.shardTls()));

    /**
     * The top-level keys a reload compares, rules and shards included: a test checks that every key
     * router.yaml accepts is among them, so that a new key is not applied (or kept) unreported.
     */
    static List<String> comparedKeys() {
        List<String> keys = new ArrayList<>(KEYS.stream().map(Key::name).toList());
        keys.addAll(List.of("frontend_rules", "backend_rules", "shards", "max_message_length"));
        return keys;
    }

    private static Key live(String name, Function<RouterConfig, Object> value) {
        return new Key(name, value, true);
    }

    private static Key restart(String name, Function<RouterConfig, Object> value) {
        return new Key(name, value, false);
    }

    /**
     * Compares the running config with the one just read and builds the config to run with.
     *
     * @param file how an error names the file read
     * @throws ConfigException when the new values and the kept ones do not fit together (the
     *     router then keeps running with {@code running}, unchanged)
     */
    public static ReloadPlan between(RouterConfig running, RouterConfig read, String file) {
        List<KeyChange> changes = new ArrayList<>();
        for (Key key : KEYS) {
            Object before = key.value().apply(running);
            Object after = key.value().apply(read);
            if (!Objects.equals(before, after)) {
                boolean secret = SECTIONS_WITH_SECRETS.contains(key.name());
                changes.add(new KeyChange(key.name(), render(before, secret), render(after, secret), key.isLive()));
            }
        }
        changes.addAll(ruleChanges("frontend_rules", allFrontendRules(running), allFrontendRules(read),
                ReloadPlan::describe));
        changes.addAll(ruleChanges("backend_rules", byTarget(running.backendRules()), byTarget(read.backendRules()),
                ReloadPlan::describe));
        changes.addAll(shardChanges(running, read));
        var source = new ConfigSource(file + " (with the running values of the keys that need a restart)");
        return new ReloadPlan(keepRestartKeys(running, read, source), List.copyOf(changes));
    }

    /**
     * One key as the file says it now, for SHOW file_settings.
     *
     * @param inForce whether the running config has the file's value (false until RELOAD, or until a
     *                restart for a key that needs one)
     */
    public record FileSetting(String name, String setting, boolean inForce) {
    }

    /**
     * Every key the file sets, top-level keys in the order of docs/configuration.md, then each rule and
     * shard; sections holding secrets are masked, rules and shards described as RELOAD describes them.
     */
    public static List<FileSetting> fileSettings(RouterConfig running, RouterConfig read) {
        List<FileSetting> settings = new ArrayList<>();
        for (Key key : KEYS) {
            Object value = key.value().apply(read);
            String text = String.valueOf(value);
            boolean secret = SECTIONS_WITH_SECRETS.contains(key.name());
            settings.add(new FileSetting(key.name(), secret && !text.isEmpty() ? MASK : text,
                    Objects.equals(key.value().apply(running), value)));
        }
        Map<String, FrontendRule> frontend = allFrontendRules(running);
        allFrontendRules(read).forEach((target, rule) -> settings.add(new FileSetting("frontend_rules[" + target + "]",
                describe(rule), rule.equals(frontend.get(target)))));
        Map<String, BackendRule> backend = byTarget(running.backendRules());
        byTarget(read.backendRules()).forEach((target, rule) -> settings.add(new FileSetting("backend_rules[" + target + "]",
                describe(rule), rule.equals(backend.get(target)))));
        read.shards().forEach((name, shard) -> settings.add(new FileSetting("shards." + name, describe(shard),
                shard.equals(running.shards().get(name)))));
        return settings;
    }

    /** The file's config with every key that cannot change live set back to the running value. */
    private static RouterConfig keepRestartKeys(RouterConfig running, RouterConfig read, ConfigSource source) {
        ClientLimits limits = new ClientLimits(read.clientLimits().authTimeout(), running.clientLimits().maxClients(),
                running.clientLimits().authFailureDelay(), running.clientLimits().connectionRate());
        return read.toBuilder()
                .host(running.host()).routerPort(running.routerPort()).adminConsolePort(running.adminConsolePort())
                .grpcApiPort(running.grpcApiPort()).httpPort(running.httpPort()).routerId(running.routerId())
                .routerMode(running.routerMode()).eventLoops(running.eventLoops())
                .withCoordinator(running.withCoordinator()).coordinatorAddress(running.coordinatorAddress())
                .grpcTls(running.grpcTls()).qdbFile(running.qdbFile()).initSqlFile(running.initSqlFile())
                .sequenceBlockSize(running.sequenceBlockSize()).maxMessageLength(running.maxMessageLength())
                .clientLimits(limits).shardLinks(running.shardLinks()).health(running.health())
                .frontendTls(running.frontendTls()).shardTls(running.shardTls()).shards(running.shards())
                .build(source);
    }

    private static String render(Object value, boolean secret) {
        String text = String.valueOf(value);
        if (secret) {
            // TLS sections and health_check credentials may carry passwords: say only that they changed
            return text.isEmpty() ? "" : "(section)";
        }
        return text;
    }

    private static Object healthCredentials(RouterConfig config) {
        HealthSettings health = config.health();
        // compared, never shown: the section holds a password
        return health.hasOwnCredentials() ? java.util.Arrays.asList(health.user(), health.database(), health.password()) : "";
    }

    /** Rules are compared by the pair they admit; a changed password shows as such, never its value. */
    private static <R> List<KeyChange> ruleChanges(String section, Map<String, R> before, Map<String, R> after,
                                                  Function<R, String> describe) {
        List<KeyChange> changes = new ArrayList<>();
        Set<String> targets = new LinkedHashSet<>(before.keySet());
        targets.addAll(after.keySet());
        for (String target : targets) {
            R old = before.get(target);
            R next = after.get(target);
            if (Objects.equals(old, next)) {
                continue;
            }
            String oldText = old == null ? ABSENT : describe.apply(old);
            String newText = next == null ? ABSENT : describe.apply(next);
            if (oldText.equals(newText)) {
                newText += " (password changed)"; // the descriptions show everything but passwords
            }
            changes.add(new KeyChange(section + "[" + target + "]", oldText, newText, true));
        }
        return changes;
    }

    private static Map<String, FrontendRule> allFrontendRules(RouterConfig config) {
        Map<String, FrontendRule> rules = new LinkedHashMap<>();
        config.frontendRules().forEach(rule -> rules.putIfAbsent(target(rule.db(), rule.usr(), rule.poolDefault()), rule));
        config.consoleRules().forEach(rule -> rules.putIfAbsent(target(rule.db(), rule.usr(), false), rule));
        return rules;
    }

    private static Map<String, BackendRule> byTarget(List<BackendRule> rules) {
        Map<String, BackendRule> map = new LinkedHashMap<>();
        rules.forEach(rule -> map.putIfAbsent(target(rule.db(), rule.usr(), rule.poolDefault()), rule));
        return map;
    }

    private static String target(String db, String usr, boolean poolDefault) {
        return poolDefault ? "pool_default" : "db=" + db + ",usr=" + usr;
    }

    private static String describe(FrontendRule rule) {
        return "pool_mode=" + rule.poolMode().configName() + " auth_method=" + rule.authRule().method().configName()
                + " require_tls=" + rule.requireTls() + " target_session_attrs=" + rule.targetSessionAttrs()
                + " read_your_writes=" + rule.readYourWrites();
    }

    private static String describe(BackendRule rule) {
        return "connection_limit=" + rule.connectionLimit() + " pool_discard=" + rule.poolDiscard()
                + " pool_rollback=" + rule.poolRollback() + " auth_method=" + rule.authRule().method().configName()
                + (rule.login().user() == null ? "" : " auth_rule.usr=" + rule.login().user())
                + (rule.shardLogins().isEmpty() ? "" : " auth_rules=" + new java.util.TreeMap<>(rule.shardLogins()).keySet()
                        .stream().map(shard -> shard + ":" + rule.shardLogins().get(shard).user()).toList());
    }

    /** The shard list is the QDB's once the router runs (CREATE SHARD adds to it): a change waits for a restart. */
    private static List<KeyChange> shardChanges(RouterConfig running, RouterConfig read) {
        List<KeyChange> changes = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(running.shards().keySet());
        names.addAll(read.shards().keySet());
        for (String name : names) {
            ShardConfig old = running.shards().get(name);
            ShardConfig next = read.shards().get(name);
            if (!Objects.equals(old, next)) {
                String oldText = describe(old);
                String newText = describe(next);
                if (oldText.equals(newText)) {
                    newText += " (password changed)";
                }
                changes.add(new KeyChange("shards." + name, oldText, newText, false));
            }
        }
        return changes;
    }

    private static String describe(ShardConfig shard) {
        if (shard == null) {
            return ABSENT;
        }
        ShardLogin login = shard.login();
        return "hosts=" + shard.hosts() + " type=" + shard.type() + " tls=" + shard.tls().mode().configName()
                + (login.database() == null ? "" : " db=" + login.database())
                + (login.user() == null ? "" : " usr=" + login.user());
    }
}
