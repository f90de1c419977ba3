package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a {@link RouterConfig} as router.yaml, every key spelled out so the file documents the
 * defaults in force. SnakeYAML does the quoting, so a password like {@code 'yes'} or {@code 123}
 * comes back as the same string.
 */
final class RouterConfigWriter {
    private RouterConfigWriter() {
    }

    static String write(RouterConfig config) {
        var top = new LinkedHashMap<String, Object>();
        top.put("host", config.host());
        top.put("router_port", config.routerPort());
        top.put("admin_console_port", config.adminConsolePort());
        top.put("grpc_api_port", config.grpcApiPort());
        top.put("with_coordinator", config.withCoordinator());
        if (!config.coordinatorAddress().isEmpty()) {
            top.put("coordinator_address", config.coordinatorAddress());
        }
        GrpcTlsReader.write(config.grpcTls(), top);
        top.put("router_mode", config.routerMode().configName());
        top.put("log_level", config.logLevel().configName());
        top.put("pool_wait_timeout", ConfigUnits.formatDuration(config.poolWaitTimeout()));
        top.put("client_idle_timeout", ConfigUnits.formatDuration(config.clientIdleTimeout()));
        top.put("shutdown_timeout", ConfigUnits.formatDuration(config.shutdownTimeout()));
        top.put("pause_timeout", ConfigUnits.formatDuration(config.pauseTimeout()));
        top.put("lock_wait_timeout", ConfigUnits.formatDuration(config.lockWaitTimeout()));
        top.put("max_message_size", ConfigUnits.formatSize(config.maxMessageLength()));
        if (config.maxIntermediateResultSize() != RouterConfig.DEFAULT_MAX_INTERMEDIATE_RESULT_SIZE) {
            top.put("max_intermediate_result_size", ConfigUnits.formatSize(config.maxIntermediateResultSize()));
        }
        ClientLimits limits = config.clientLimits();
        top.put("auth_timeout", ConfigUnits.formatDuration(limits.authTimeout()));
        top.put("max_clients", limits.maxClients());
        top.put("auth_failure_delay", ConfigUnits.formatDuration(limits.authFailureDelay()));
        top.put("client_connection_rate", limits.connectionRate());
        top.put("default_route_behaviour", config.defaultRouteBehaviour().configName());
        top.put("commit_strategy", config.commitStrategy().configName());
        if (config.showNoticeMessages()) {
            top.put("show_notice_messages", true);
        }
        if (config.routerId() != null) {
            top.put("router_id", config.routerId());
        }
        top.put("sequence_block_size", config.sequenceBlockSize());
        top.put("event_loops", config.eventLoops());
        if (config.httpPort() != RouterConfig.HTTP_PORT_OFF) {
            top.put("http_port", config.httpPort());
        }
        ShardLinkSettings links = config.shardLinks();
        top.put("server_connect_timeout", ConfigUnits.formatDuration(links.serverConnectTimeout()));
        top.put("tcp_keepalive", links.tcpKeepalive());
        top.put("tcp_keepidle", ConfigUnits.formatDuration(links.tcpKeepIdle()));
        top.put("tcp_keepintvl", ConfigUnits.formatDuration(links.tcpKeepInterval()));
        top.put("tcp_keepcnt", links.tcpKeepCount());
        top.put("query_timeout", ConfigUnits.formatDuration(links.queryTimeout()));
        top.put("cancel_wait_timeout", ConfigUnits.formatDuration(links.cancelWaitTimeout()));
        HealthSettings health = config.health();
        top.put("health_check_interval", ConfigUnits.formatDuration(health.interval()));
        top.put("health_check_timeout", ConfigUnits.formatDuration(health.timeout()));
        top.put("health_check_fails", health.fails());
        top.put("health_check_successes", health.successes());
        top.put("max_replica_lag", health.maxLagText());
        if (health.hasOwnCredentials()) {
            var credentials = new LinkedHashMap<String, Object>();
            credentials.put("user", health.user());
            credentials.put("database", health.database());
            if (health.password() != null) {
                credentials.put("password", health.password());
            }
            top.put("health_check", credentials);
        }
        if (config.qdbFile() != null) {
            top.put("qdb_file", config.qdbFile().toString());
        }
        if (config.initSqlFile() != null) {
            top.put("init_sql", config.initSqlFile().toString());
        }
        FrontendTlsSettings tls = config.frontendTls();
        if (tls.mode().offersTls()) {
            var section = new LinkedHashMap<String, Object>();
            section.put("sslmode", tls.mode().configName());
            section.put("cert_file", tls.files().certFile().toString());
            section.put("key_file", tls.files().keyFile().toString());
            if (tls.files().rootCertFile() != null) {
                section.put("root_cert_file", tls.files().rootCertFile().toString());
            }
            section.put("min_protocol", tls.files().minProtocol());
            if (!tls.files().ciphers().isEmpty()) {
                section.put("ciphers", tls.files().ciphers());
            }
            top.put("frontend_tls", section);
        }
        if (config.shardTls().mode().offersTls()) {
            top.put("shard_tls", shardTls(config.shardTls()));
        }
        var frontendRules = new ArrayList<Object>();
        config.frontendRules().forEach(rule -> frontendRules.add(frontendRule(rule)));
        config.consoleRules().forEach(rule -> frontendRules.add(frontendRule(rule)));
        top.put("frontend_rules", frontendRules);
        top.put("backend_rules", config.backendRules().stream().map(RouterConfigWriter::backendRule).toList());
        var shards = new LinkedHashMap<String, Object>();
        config.shards().forEach((name, shard) -> shards.put(name, shard(shard, config.shardTls())));
        top.put("shards", shards);

        var options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(Integer.MAX_VALUE);
        return "# Shardgate router configuration\n" + new Yaml(options).dump(top);
    }

    private static Map<String, Object> frontendRule(FrontendRule rule) {
        var map = new LinkedHashMap<String, Object>();
        putTarget(map, rule.db(), rule.usr(), rule.poolDefault());
        map.put("pool_mode", rule.poolMode().configName());
        map.put("auth_rule", authRule(rule.authRule()));
        if (rule.requireTls()) {
            map.put("require_tls", true);
        }
        if (rule.targetSessionAttrs() != TargetSessionAttrs.READ_WRITE) {
            map.put("target_session_attrs", rule.targetSessionAttrs().spelling());
        }
        if (rule.readYourWrites()) {
            map.put("read_your_writes", true);
        }
        return map;
    }

    private static Map<String, Object> backendRule(BackendRule rule) {
        var map = new LinkedHashMap<String, Object>();
        putTarget(map, rule.db(), rule.usr(), rule.poolDefault());
        map.put("connection_limit", rule.connectionLimit());
        map.put("pool_discard", rule.poolDiscard());
        map.put("pool_rollback", rule.poolRollback());
        var auth = authRule(rule.authRule());
        if (rule.login().user() != null) {
            auth.put("usr", rule.login().user());
        }
        map.put("auth_rule", auth);
        if (!rule.shardLogins().isEmpty()) {
            var perShard = new LinkedHashMap<String, Object>();
            rule.shardLogins().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
                var login = new LinkedHashMap<String, Object>();
                if (entry.getValue().user() != null) {
                    login.put("usr", entry.getValue().user());
                }
                if (entry.getValue().password() != null) {
                    login.put("password", entry.getValue().password());
                }
                perShard.put(entry.getKey(), login);
            });
            map.put("auth_rules", perShard);
        }
        return map;
    }

    private static void putTarget(Map<String, Object> map, String db, String usr, boolean poolDefault) {
        if (poolDefault) {
            map.put("pool_default", true);
        } else {
            map.put("db", db);
            map.put("usr", usr);
        }
    }

    private static Map<String, Object> authRule(AuthRule rule) {
        var map = new LinkedHashMap<String, Object>();
        map.put("auth_method", rule.method().configName());
        if (rule.password() != null) {
            map.put("password", rule.password());
        }
        return map;
    }

    private static Map<String, Object> shard(ShardConfig shard, ShardTlsSettings defaultTls) {
        var map = new LinkedHashMap<String, Object>();
        map.put("type", shard.type().configName());
        map.put("hosts", List.copyOf(shard.hosts()));
        if (shard.login().database() != null) {
            map.put("db", shard.login().database());
        }
        if (shard.login().user() != null) {
            map.put("usr", shard.login().user());
        }
        if (shard.login().password() != null) {
            map.put("pwd", shard.login().password());
        }
        if (!shard.tls().equals(defaultTls)) {
            // also sslmode: disable, when shard_tls would otherwise give this shard TLS
            map.put("tls", shardTls(shard.tls()));
        }
        return map;
    }

    private static Map<String, Object> shardTls(ShardTlsSettings tls) {
        var section = new LinkedHashMap<String, Object>();
        section.put("sslmode", tls.mode().configName());
        if (tls.rootCertFile() != null) {
            section.put("root_cert_file", tls.rootCertFile().toString());
        }
        if (tls.certFile() != null) {
            section.put("cert_file", tls.certFile().toString());
        }
        if (tls.keyFile() != null) {
            section.put("key_file", tls.keyFile().toString());
        }
        return section;
    }
}
