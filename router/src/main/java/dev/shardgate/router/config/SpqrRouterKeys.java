package dev.shardgate.router.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of SPQR's router.yaml (its documentation and its {@code pkg/config}) that are not
 * Shardgate's own names, so that an SPQR file starts a Shardgate router (docs/spqr-migration.md).
 * Those with a meaning here are read into ours ({@code query_routing.default_route_behaviour} is
 * {@code default_route_behaviour}); those that only tune SPQR's internals are accepted with one log
 * line each saying so. A key neither names stays an error.
 */
final class SpqrRouterKeys {
    private static final Logger log = LoggerFactory.getLogger(SpqrRouterKeys.class);

    /** Top-level SPQR keys read into ours, with the key of ours each means. */
    static final Map<String, String> TOP_ALIASES = ordered(
            "distributed_commit_strategy", "commit_strategy",
            "identity_range_size", "sequence_block_size",
            "memqdb_backup_path", "qdb_file",
            "grpc_api_tls", "grpc_server_tls",
            "coordinator_grpc_tls", "grpc_client_tls");

    /** Top-level SPQR keys that change what another key does. */
    static final List<String> TOP_READ = List.of("query_routing", "use_init_sql");

    /** Top-level SPQR keys without an effect here, with why, as the log line says it. */
    static final Map<String, String> TOP_IGNORED = ordered(
            "maintain_params", "sessions' SET parameters are always kept and set on every backend a session uses",
            "notice_message_format", "the router sends no routing notices",
            "world_shard_fallback", "statements on no shard's relations go to any shard or are refused as "
                    + "default_route_behaviour says",
            "router_ro_port", "no read-only port is opened; give clients target_session_attrs=read-only instead",
            "time_quantiles", "no query time quantiles are kept; /metrics has latency histograms (http_port)",
            "daemonize", "run the router under a service manager",
            "reuse_port", "the router port is bound once, with SO_REUSEADDR",
            "pretty_logging", "logging is set in logback.xml",
            "use_systemd_notifier", "no systemd notification is sent; use /readyz (http_port)",
            "systemd_notifier_debug", "no systemd notification is sent",
            "pid_file_name", "no pid file is written; the service manager knows the pid",
            "pid_filename", "no pid file is written; the service manager knows the pid",
            "log_file_name", "logs go where logback.xml sends them",
            "log_filename", "logs go where logback.xml sends them",
            "pgproto_debug", "protocol messages are not dumped",
            "with_jaeger", "no tracing is exported",
            "jaeger_url", "no tracing is exported",
            "workload_file", "the workload is not recorded",
            "workload_batch_size", "the workload is not recorded",
            "use_coordinator_init", "a router with a coordinator takes its metadata from the coordinator",
            "exit_on_init_sql", "a failing init_sql always stops the start",
            "memqdb_persistent", "metadata is kept in qdb_file whenever qdb_file (memqdb_backup_path) is set",
            "enable_role_system", "there are no console roles: every console rule's user may run every command",
            "roles_file", "there are no console roles",
            "dbpool_cache_ttl", "pools keep their connections until the host is down or removed",
            "dbpool_check_interval", "hosts are checked every health_check_interval",
            "dbpool_dead_check_interval", "hosts are checked every health_check_interval");

    static final List<String> QUERY_ROUTING_READ = List.of("default_route_behaviour", "default_target_session_attrs");
    static final Map<String, String> QUERY_ROUTING_IGNORED = ordered(
            "multicast_unroutable_insert_statement", "an INSERT without a key is refused or sent to every shard as "
                    + "default_route_behaviour says",
            "enhanced_multishard_processing", "multi-shard statements are always merged by the router where it can",
            "always_check_rules", "the routing rules are always checked",
            "auto_route_ro_on_standby", "reads go to standbys as target_session_attrs says");

    static final Map<String, String> FRONTEND_RULE_IGNORED = ordered(
            "search_path", "a session's search_path is its own or the server's; SET it in the session",
            "pool_discard", "set pool_discard in the backend rule",
            "pool_rollback", "set pool_rollback in the backend rule",
            "pool_prepared_statement", "prepared statements are always kept per session and prepared on each backend as needed");

    static final List<String> BACKEND_RULE_READ = List.of("auth_rules");
    static final Map<String, String> BACKEND_RULE_IGNORED = ordered(
            "connection_retries", "a failed connection is not retried; the transaction gets 08001 naming the shard and host",
            "connection_timeout", "server_connect_timeout applies to every shard",
            "keep_alive", "tcp_keepalive and tcp_keepidle apply to every shard",
            "tcp_user_timeout", "tcp_keepalive and query_timeout apply to every shard",
            "pulse_check_interval", "hosts are checked every health_check_interval");

    /** A backend rule's auth_rule and each of its auth_rules: SPQR's AuthBackendCfg has a user. */
    static final List<String> BACKEND_AUTH_READ = List.of("usr");
    /** In any auth_rule: LDAP and GSS settings, for methods refused here. */
    static final Map<String, String> AUTH_RULE_IGNORED = ordered(
            "ldap_config", "LDAP authentication is not supported",
            "gss_config", "GSS authentication is not supported");

    static final List<String> SHARD_READ = List.of("db", "usr", "pwd");

    private SpqrRouterKeys() {
    }

    static List<String> topKeys() {
        var keys = new ArrayList<String>(TOP_ALIASES.keySet());
        keys.addAll(TOP_READ);
        keys.addAll(TOP_IGNORED.keySet());
        return keys;
    }

    /** For docs/configuration.md's list: every SPQR key accepted, behind its section. */
    static void addKnownKeys(List<String> keys) {
        keys.addAll(topKeys());
        QUERY_ROUTING_READ.forEach(key -> keys.add("query_routing." + key));
        QUERY_ROUTING_IGNORED.keySet().forEach(key -> keys.add("query_routing." + key));
        FRONTEND_RULE_IGNORED.keySet().forEach(key -> keys.add("frontend_rules." + key));
        BACKEND_RULE_READ.forEach(key -> keys.add("backend_rules." + key));
        BACKEND_RULE_IGNORED.keySet().forEach(key -> keys.add("backend_rules." + key));
        BACKEND_AUTH_READ.forEach(key -> keys.add("backend_rules.auth_rule." + key));
        for (String key : RouterConfigReader.AUTH_RULE_KEYS) {
            keys.add("backend_rules.auth_rules.<shard>." + key);
        }
        BACKEND_AUTH_READ.forEach(key -> keys.add("backend_rules.auth_rules.<shard>." + key));
        AUTH_RULE_IGNORED.keySet().forEach(key -> keys.add("frontend_rules.auth_rule." + key));
        AUTH_RULE_IGNORED.keySet().forEach(key -> keys.add("backend_rules.auth_rule." + key));
        SHARD_READ.forEach(key -> keys.add("shards.<name>." + key));
    }

    /** SPQR's keys of a section: those read and those without an effect. */
    static List<String> spqr(List<String> spqrRead, Map<String, String> spqrIgnored) {
        var keys = new ArrayList<>(spqrRead);
        keys.addAll(spqrIgnored.keySet());
        return keys;
    }

    /**
     * Reads the top-level SPQR keys into the builder, after ours: an SPQR key and the key of ours
     * it means may not both be written.
     */
    static void readTop(YamlMapping top, RouterConfig.Builder builder, ConfigSource source, Path baseDir) {
        for (var alias : TOP_ALIASES.entrySet()) {
            if (top.has(alias.getKey()) && top.has(alias.getValue())) {
                throw source.error(alias.getKey(), "means " + alias.getValue() + ", which is also given; give one of them");
            }
        }
        top.string("distributed_commit_strategy").ifPresent(text -> builder.commitStrategy(CommitStrategy.parse(text)
                .orElseThrow(() -> source.error("distributed_commit_strategy",
                        "must be one of best-effort, 1pc, 2pc, got '" + text + "'"))));
        top.integer("identity_range_size", IntRange.SEQUENCE_BLOCK_SIZE).ifPresent(builder::sequenceBlockSize);
        top.path("memqdb_backup_path", baseDir).ifPresent(builder::qdbFile);
        // SPQR runs init_sql only when use_init_sql says so; its examples name a file and turn it off
        if (!top.bool("use_init_sql").orElse(true)) {
            builder.initSqlFile(null);
        }
        top.mapping("query_routing", spqr(QUERY_ROUTING_READ, QUERY_ROUTING_IGNORED)).ifPresent(routing -> {
            if (routing.has("default_route_behaviour") && top.has("default_route_behaviour")) {
                throw source.error("query_routing.default_route_behaviour",
                        "means default_route_behaviour, which is also given; give one of them");
            }
            routing.choice("default_route_behaviour", DefaultRouteBehaviour.values(), DefaultRouteBehaviour::configName)
                    .ifPresent(builder::defaultRouteBehaviour);
            ignored(routing, QUERY_ROUTING_IGNORED, source);
        });
        ignored(top, TOP_IGNORED, source);
    }

    /** query_routing.default_target_session_attrs: what a frontend rule that names none gets. */
    static TargetSessionAttrs defaultTargetSessionAttrs(YamlMapping top) {
        return top.mapping("query_routing", spqr(QUERY_ROUTING_READ, QUERY_ROUTING_IGNORED))
                .flatMap(routing -> routing.choice("default_target_session_attrs", TargetSessionAttrs.values(),
                        TargetSessionAttrs::spelling))
                .orElse(TargetSessionAttrs.READ_WRITE);
    }

    /** Keys whose absence of effect leaves less protection than their writer expects: logged at WARN. */
    private static final java.util.Set<String> PROTECTIVE = java.util.Set.of("enable_role_system", "roles_file");

    /** The section's SPQR keys without an effect here, one log line each. */
    static void ignored(YamlMapping section, Map<String, String> keys, ConfigSource source) {
        for (var key : keys.entrySet()) {
            if (section.has(key.getKey())) {
                String line = "event=config_key_ignored file={} key={} reason=\"SPQR's key has no effect here: {}\"";
                if (PROTECTIVE.contains(key.getKey())) {
                    log.warn(line, source.name(), section.pathOf(key.getKey()), key.getValue());
                } else {
                    log.info(line, source.name(), section.pathOf(key.getKey()), key.getValue());
                }
            }
        }
    }

    /** A password next to {@code auth_method: ok}, which asks for none. */
    static void passwordUnused(String keyPath, ConfigSource source) {
        log.warn("event=config_password_unused file={} key={} reason=\"auth_method ok asks clients for no password\"",
                source.name(), keyPath);
    }

    /** {@code host: '[localhost]'} as SPQR's examples write it: the brackets go, as around an IPv6 address. */
    static String host(String text) {
        String host = text.strip();
        return host.length() > 2 && host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** SPQR's log_level fatal is our error: the router logs nothing more severe. */
    static String logLevel(String text) {
        return text.strip().equalsIgnoreCase("fatal") ? LogLevel.ERROR.configName() : text;
    }

    private static Map<String, String> ordered(String... pairs) {
        var map = new LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
