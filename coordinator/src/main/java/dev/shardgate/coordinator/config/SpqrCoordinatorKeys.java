package dev.shardgate.coordinator.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of SPQR's coordinator.yaml (its documentation and {@code pkg/config}) that are not
 * Shardgate's own names, so that an SPQR file starts a Shardgate coordinator
 * (docs/spqr-migration.md). Those with a meaning here are read into ours; those that only tune
 * SPQR's internals are accepted with one log line each. A key neither names stays an error.
 */
final class SpqrCoordinatorKeys {
    private static final Logger log = LoggerFactory.getLogger(SpqrCoordinatorKeys.class);

    /** SPQR's names of our keys: the same meaning, the same values. */
    static final Map<String, String> TOP_ALIASES = ordered(
            "qdb_addrs", "qdb_addr",
            "server_tls", "grpc_server_tls",
            "grpc_api_tls", "grpc_server_tls",
            "client_tls", "grpc_client_tls",
            "router_grpc_tls", "grpc_client_tls",
            "data_move_bound_batch_size", "data_move.batch_size");

    static final Map<String, String> TOP_IGNORED = ordered(
            "pretty_logging", "logging is set in logback.xml",
            "shard_data", "data moves log in to shards with data_move's database, user and password",
            "use_systemd_notifier", "no systemd notification is sent; use /readyz (http_port)",
            "systemd_notifier_debug", "no systemd notification is sent",
            "iteration_timeout", "routers are pushed each change as it is made",
            "lock_iteration_timeout", "which coordinator is active is settled through the QDB; its timing is not configurable",
            "router_keepalive_time", "gRPC keepalive towards routers is not configurable here",
            "router_keepalive_timeout", "gRPC keepalive towards routers is not configurable here",
            "watch_routers_qdb", "routers' metadata is not compared and re-bootstrapped by the coordinator",
            "enable_role_system", "there are no console roles: every console rule's user may run every command",
            "roles_file", "there are no console roles",
            "etcd_max_send_bytes", "the etcd client's default request size applies",
            "etcd_max_txn_ops", "the etcd client's default transaction size applies",
            "data_move_disable_triggers", "triggers stay enabled while data moves",
            "data_move_query_log_level", "data moves log one line per step at info",
            "data_move_await_pid_exception", "data moves do not wait on other backends",
            "use_spqrguard", "spqrguard is not maintained on the shards",
            "forbid_direct_shard_queries", "shards do not refuse direct writes; restrict them with grants");

    /** What SPQR says its coordinator ignores in a frontend rule (the router's pooling settings). */
    static final Map<String, String> RULE_IGNORED = ordered(
            "search_path", "the console has no search_path",
            "pool_mode", "the console does not pool",
            "pool_discard", "the console does not pool",
            "pool_rollback", "the console does not pool",
            "pool_prepared_statement", "the console does not pool",
            "pool_default", "every console rule names its db and usr");

    static final Map<String, String> AUTH_IGNORED = ordered(
            "ldap_config", "LDAP authentication is not supported",
            "gss_config", "GSS authentication is not supported");

    private SpqrCoordinatorKeys() {
    }

    static List<String> topKeys() {
        var keys = new ArrayList<>(TOP_ALIASES.keySet());
        keys.addAll(TOP_IGNORED.keySet());
        return keys;
    }

    /** For docs/configuration.md's list: every SPQR key accepted, behind its section. */
    static void addKnownKeys(List<String> keys) {
        keys.addAll(topKeys());
        RULE_IGNORED.keySet().forEach(key -> keys.add("frontend_rules." + key));
        AUTH_IGNORED.keySet().forEach(key -> keys.add("frontend_rules.auth_rule." + key));
    }

    /** Keys whose absence of effect leaves less protection than their writer expects: logged at WARN. */
    private static final java.util.Set<String> PROTECTIVE = java.util.Set.of("enable_role_system", "roles_file",
            "use_spqrguard", "forbid_direct_shard_queries");

    /** The section's SPQR keys without an effect here, one log line each. */
    static void ignored(Section section, Map<String, String> keys, String source) {
        for (var key : keys.entrySet()) {
            if (section.has(key.getKey())) {
                String line = "event=config_key_ignored file={} key={} reason=\"SPQR's key has no effect here: {}\"";
                if (PROTECTIVE.contains(key.getKey())) {
                    log.warn(line, source, section.pathOf(key.getKey()), key.getValue());
                } else {
                    log.info(line, source, section.pathOf(key.getKey()), key.getValue());
                }
            }
        }
    }

    /**
     * The section holding {@code ourKey}'s value, or SPQR's name for it; both written is an error.
     */
    static String keyOf(Section top, String ourKey) {
        String written = null;
        for (var alias : TOP_ALIASES.entrySet()) {
            if (alias.getValue().equals(ourKey) && top.has(alias.getKey())) {
                if (written != null || top.has(ourKey)) {
                    throw top.error(alias.getKey(), "means " + ourKey + ", which is also given; give one of them");
                }
                written = alias.getKey();
            }
        }
        return written != null ? written : ourKey;
    }

    private static Map<String, String> ordered(String... pairs) {
        var map = new LinkedHashMap<String, String>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
