package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each rejected config and the exact message an operator reads. */
class RouterConfigValidationTest {
    private static final String RULES = """
            frontend_rules:
              - db: mydb
                usr: myuser
                auth_rule:
                  auth_method: ok
            backend_rules:
              - db: mydb
                usr: myuser
            """;

    private static void assertRejected(String yaml, String message) {
        assertThatThrownBy(() -> RouterConfig.parse(yaml, "router.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void unknownTopLevelKey() {
        assertRejected("router_prot: 6432\n" + RULES,
                "router.yaml:1: router_prot: unknown key 'router_prot' (expected one of: host, router_port, "
                        + "admin_console_port, grpc_api_port, http_port, with_coordinator, coordinator_address, router_mode, log_level, "
                        + "pool_wait_timeout, client_idle_timeout, shutdown_timeout, pause_timeout, lock_wait_timeout, max_message_length, "
                        + "max_message_size, auth_timeout, max_clients, auth_failure_delay, client_connection_rate, default_route_behaviour, commit_strategy, show_notice_messages, max_intermediate_result_size, router_id, sequence_block_size, event_loops, "
                        + "server_connect_timeout, tcp_keepalive, tcp_keepidle, tcp_keepintvl, tcp_keepcnt, query_timeout, "
                        + "cancel_wait_timeout, health_check_interval, health_check_timeout, health_check_fails, "
                        + "health_check_successes, max_replica_lag, health_check, qdb_file, init_sql, frontend_tls, shard_tls, frontend_rules, backend_rules, shards, "
                        + "grpc_server_tls, grpc_client_tls)");
    }

    @Test
    void aRouterWithACoordinatorTakesNoLocalMetadata() {
        assertRejected("with_coordinator: true\nqdb_file: q.yaml\n" + RULES,
                "router.yaml:2: qdb_file: cannot be used with with_coordinator: true; the coordinator holds the metadata");
        assertRejected("with_coordinator: true\nshards:\n  sh1:\n    hosts: ['h:5432']\n" + RULES,
                "router.yaml:2: shards: cannot be used with with_coordinator: true; the coordinator holds the metadata"
                        + " (CREATE SHARD on its console)");
        assertRejected("coordinator_address: 'localhost:7003'\n" + RULES,
                "router.yaml:1: coordinator_address: needs with_coordinator: true");
        assertRejected("with_coordinator: true\ncoordinator_address: 'localhost'\n" + RULES,
                "router.yaml:2: coordinator_address: invalid address \"localhost\": expected host:port or [host]:port");
        assertThat(RouterConfig.parse("with_coordinator: true\ncoordinator_address: '[::1]:7003,c2:7003'\n" + RULES,
                "router.yaml").coordinatorAddress()).isEqualTo("[::1]:7003,c2:7003");
    }

    @Test
    void unknownKeyInRule() {
        assertRejected("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    pool_mod: SESSION
                    auth_rule: {auth_method: ok}
                """,
                "router.yaml:4: frontend_rules[0].pool_mod: unknown key 'pool_mod' "
                        + "(expected one of: db, usr, pool_mode, auth_rule, pool_default, require_tls, target_session_attrs, read_your_writes)");
    }

    @Test
    void targetSessionAttrsOfAFrontendRule() {
        assertRejected("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    target_session_attrs: replica
                    auth_rule: {auth_method: ok}
                """,
                "router.yaml:4: frontend_rules[0].target_session_attrs: must be one of read-write, primary, read-only, "
                        + "standby, prefer-standby, any, smart-read-write, got 'replica'");
        var rules = RouterConfig.parse("""
                frontend_rules:
                  - {db: mydb, usr: myuser, target_session_attrs: Prefer-Standby, auth_rule: {auth_method: ok}}
                  - {pool_default: true, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {pool_default: true}
                """, "router.yaml").frontendRules();
        assertThat(rules).extracting(FrontendRule::targetSessionAttrs)
                .containsExactly(TargetSessionAttrs.PREFER_STANDBY, TargetSessionAttrs.READ_WRITE);
    }

    @Test
    void exceptionCarriesItsParts() {
        var error = catchError("""
                frontend_rules:
                  - {db: a, usr: b, auth_rule: {auth_method: ok}}
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: plain}}
                """);

        assertThat(error.source()).isEqualTo("router.yaml");
        assertThat(error.line()).isEqualTo(3);
        assertThat(error.keyPath()).isEqualTo("frontend_rules[1].auth_rule.auth_method");
        assertThat(error.problem()).isEqualTo("must be one of ok, clear_text, md5, scram, cert, got 'plain'");
    }

    @Test
    void invalidPoolMode() {
        assertRejected("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    pool_mode: SESION
                    auth_rule: {auth_method: ok}
                """,
                "router.yaml:4: frontend_rules[0].pool_mode: must be one of SESSION, TRANSACTION, got 'SESION'");
    }

    @Test
    void portOutOfRange() {
        assertRejected("router_port: '99999'\n" + RULES,
                "router.yaml:1: router_port: must be an integer between 0 and 65535, got '99999'");
        assertRejected("admin_console_port: -1\n" + RULES,
                "router.yaml:1: admin_console_port: must be an integer between 0 and 65535, got '-1'");
    }

    @Test
    void portNotANumber() {
        assertRejected("grpc_api_port: 70.10\n" + RULES,
                "router.yaml:1: grpc_api_port: must be an integer between 0 and 65535, got '70.10'");
    }

    @Test
    void portsMustDiffer() {
        assertRejected("admin_console_port: 6432\n" + RULES,
                "router.yaml:1: admin_console_port: must differ from router_port, both are 6432");
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        assertRejected("with_coordinator: yes\n" + RULES,
                "router.yaml:1: with_coordinator: must be true or false, got 'yes'");
    }

    @Test
    void invalidDuration() {
        assertRejected("pool_wait_timeout: 5\n" + RULES, "router.yaml:1: pool_wait_timeout: must be a duration "
                + "such as '500ms', '5s', '1min' or '1m30s', got '5'");
        assertRejected("lock_wait_timeout: 1.5s\n" + RULES, "router.yaml:1: lock_wait_timeout: must be a duration "
                + "such as '500ms', '5s', '1min' or '1m30s', got '1.5s'");
    }

    @Test
    void waitTimeoutsMustBePositive() {
        assertRejected("pool_wait_timeout: 0\n" + RULES,
                "router.yaml:1: pool_wait_timeout: must be longer than 0, got '0'");
    }

    @Test
    void clientLimitsMustMakeSense() {
        assertRejected("auth_timeout: 0\n" + RULES, "router.yaml:1: auth_timeout: must be longer than 0, got '0'");
        assertRejected("max_clients: 0\n" + RULES,
                "router.yaml:1: max_clients: must be an integer between 1 and 1000000, got '0'");
        assertRejected("max_message_size: 1MB\nmax_message_length: 1MB\n" + RULES,
                "router.yaml:1: max_message_size: give either max_message_size or its old name max_message_length, not both");
        assertRejected("max_message_size: 2GB\n" + RULES,
                "router.yaml:1: max_message_size: must be a size between 16kB and 1GB, got '2GB'");
    }

    @Test
    void maxMessageLengthWithinPostgresLimit() {
        assertRejected("max_message_length: 2GB\n" + RULES,
                "router.yaml:1: max_message_length: must be a size between 16kB and 1GB, got '2GB'");
        assertRejected("max_message_length: 100\n" + RULES,
                "router.yaml:1: max_message_length: must be a size between 16kB and 1GB, got '100'");
        assertRejected("max_message_length: lots\n" + RULES, "router.yaml:1: max_message_length: must be a size "
                + "such as '8192', '64kB', '256MB' or '1GB', got 'lots'");
    }

    @Test
    void maxIntermediateResultSizeIsAPositiveSizeKeptInTheWrittenFile() {
        RouterConfig config = RouterConfig.parse("max_intermediate_result_size: 64MB\n" + RULES, "router.yaml");
        assertThat(config.maxIntermediateResultSize()).isEqualTo(64L << 20);
        assertThat(RouterConfig.parse(config.toYaml(), "again").maxIntermediateResultSize()).isEqualTo(64L << 20);
        assertThat(RouterConfig.parse(RULES, "router.yaml").maxIntermediateResultSize()).isEqualTo(1L << 30);
        assertRejected("max_intermediate_result_size: 0\n" + RULES,
                "router.yaml:1: max_intermediate_result_size: must be a size of at least 1 byte, got '0'");
    }

    @Test
    void enumOnTopLevel() {
        assertRejected("default_route_behaviour: DENY\n" + RULES,
                "router.yaml:1: default_route_behaviour: must be one of BLOCK, ALLOW, got 'DENY'");
        assertRejected("log_level: verbose\n" + RULES,
                "router.yaml:1: log_level: must be one of debug, info, warning, error, fatal, got 'verbose'");
    }

    @Test
    void atLeastOneFrontendRule() {
        assertRejected("host: localhost\n",
                "router.yaml: frontend_rules: must hold at least one rule for client databases "
                        + "(rules for shardgate_console, spqr-console, spqr_console only admit users to the admin console)");
    }

    @Test
    void consoleRulesAloneAreNotEnough() {
        assertRejected("""
                frontend_rules:
                  - {db: spqr-console, usr: admin, auth_rule: {auth_method: ok}}
                """,
                "router.yaml:1: frontend_rules: must hold at least one rule for client databases "
                        + "(rules for shardgate_console, spqr-console, spqr_console only admit users to the admin console)");
    }

    @Test
    void emptyFile() {
        assertRejected("", "router.yaml: configuration is empty; at least one frontend rule is required");
    }

    @Test
    void yamlSyntaxError() {
        assertThat(catchError("host: [localhost\n").getMessage()).startsWith("router.yaml:2: invalid YAML: ");
    }

    @Test
    void duplicateKey() {
        assertRejected("host: a\nhost: b\n" + RULES, "router.yaml:2: host: duplicate key 'host'");
    }

    @Test
    void wrongShapes() {
        assertRejected("frontend_rules: mydb\n", "router.yaml:1: frontend_rules: must be a list, got 'mydb'");
        assertRejected("- host\n", "router.yaml: must be a mapping of keys to values, got a list");
        assertRejected("host: [a, b]\n" + RULES, "router.yaml:1: host: must be a single value, got a list");
    }

    @Test
    void frontendRuleNeedsAuthRule() {
        assertRejected("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                """, "router.yaml:2: frontend_rules[0].auth_rule: is required");
    }

    @Test
    void authRuleNeedsMethod() {
        assertRejected("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      password: secret
                """, "router.yaml:4: frontend_rules[0].auth_rule.auth_method: is required");
    }

    @Test
    void ruleNeedsDbAndUsrUnlessPoolDefault() {
        assertRejected("""
                frontend_rules:
                  - usr: myuser
                    auth_rule: {auth_method: ok}
                """, "router.yaml:2: frontend_rules[0].db: is required unless pool_default is true");
        assertRejected("""
                frontend_rules:
                  - pool_default: true
                    usr: myuser
                    auth_rule: {auth_method: ok}
                """, "router.yaml:3: frontend_rules[0].usr: must not be set on a pool_default rule, "
                + "which serves every db and usr");
    }

    @Test
    void passwordRequiredUnlessOk() {
        assertRejected("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      auth_method: md5
                """, "router.yaml:4: frontend_rules[0].auth_rule.password: is required when auth_method is md5");
        assertRejected("""
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: scram, password: ''}}
                """, "router.yaml:2: frontend_rules[0].auth_rule.password: must not be empty");
    }

    @Test
    void backendPasswordRequiredForClearText() {
        assertRejected("""
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
                backend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      auth_method: clear_text
                """, "router.yaml:6: backend_rules[0].auth_rule.password: is required when auth_method is clear_text");
    }

    @Test
    void duplicateRules() {
        assertRejected("""
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
                  - {db: mydb, usr: myuser, pool_mode: SESSION, auth_rule: {auth_method: ok}}
                """, "router.yaml:3: frontend_rules[1]: duplicate rule for db 'mydb' usr 'myuser', "
                + "already in frontend_rules[0]");
        assertRejected("""
                frontend_rules:
                  - {pool_default: true, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {pool_default: true}
                  - {pool_default: true, connection_limit: 5}
                """, "router.yaml:5: backend_rules[1]: second pool_default rule, already in backend_rules[0]");
    }

    @Test
    void duplicateConsoleRulesUnderAliases() {
        assertRejected(RULES.replace("backend_rules:", """
                  - {db: spqr-console, usr: admin, auth_rule: {auth_method: ok}}
                  - {db: shardgate_console, usr: admin, auth_rule: {auth_method: ok}}
                backend_rules:"""), "router.yaml:7: frontend_rules[2]: duplicate console rule for usr 'admin', "
                + "already in frontend_rules[1]");
    }

    @Test
    void frontendRuleWithoutBackendRule() {
        assertRejected("""
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
                  - {db: mydb, usr: other, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: mydb, usr: myuser}
                """, "router.yaml:3: frontend_rules[1]: no backend rule for db 'mydb' usr 'other' "
                + "and no pool_default backend rule");
        assertRejected("""
                frontend_rules:
                  - {pool_default: true, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: mydb, usr: myuser}
                """, "router.yaml:2: frontend_rules[0]: a pool_default frontend rule needs a pool_default backend rule");
    }

    @Test
    void connectionLimitInRange() {
        assertRejected(RULES + "    connection_limit: 0\n",
                "router.yaml:9: backend_rules[0].connection_limit: must be an integer between 1 and 262143, got '0'");
    }

    @Test
    void shardHostsValidated() {
        assertRejected(RULES + """
                shards:
                  sh1:
                    hosts:
                      - 'localhost:5432'
                      - 'localhost'
                """, "router.yaml:13: shards.sh1.hosts[1]: must be 'host:port' with a port between 1 and 65535, "
                + "got 'localhost'");
        assertRejected(RULES + """
                shards:
                  sh1:
                    type: DATA
                """, "router.yaml:10: shards.sh1.hosts: must list at least one 'host:port'");
        assertRejected(RULES + """
                shards:
                  sh1:
                """, "router.yaml:10: shards.sh1.hosts: must list at least one 'host:port'");
        assertRejected(RULES + """
                shards:
                  sh1:
                    hosts: ['h:5432']
                    type: DTA
                """, "router.yaml:12: shards.sh1.type: must be one of DATA, WORLD, got 'DTA'");
        assertRejected(RULES + """
                shards:
                  sh1:
                    host: 'h:5432'
                """, "router.yaml:11: shards.sh1.host: unknown key 'host' (expected one of: type, hosts, tls)");
    }

    @Test
    void builderAppliesTheSameChecks() {
        var builder = RouterConfig.builder()
                .frontendRule(FrontendRule.of("mydb", "myuser", new AuthRule(AuthMethod.MD5, null)))
                .backendRule(BackendRule.poolDefault(AuthRule.ok()));

        assertThatThrownBy(builder::build)
                .isInstanceOf(ConfigException.class)
                .hasMessage("in-code configuration: frontend_rules[0].auth_rule.password: "
                        + "is required when auth_method is md5");
        assertThatThrownBy(() -> builder.frontendRules(java.util.List.of(FrontendRule.of("mydb", "u", AuthRule.ok())))
                        .lockWaitTimeout(Duration.ofSeconds(-1)).build())
                .hasMessage("in-code configuration: lock_wait_timeout: must be longer than 0, got '-1s'");
    }

    private static ConfigException catchError(String yaml) {
        try {
            RouterConfig.parse(yaml, "router.yaml");
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("config was accepted");
    }

    @Test
    void httpPortIsAPortOrMinusOneForOff() {
        assertThat(RouterConfig.parse("http_port: 9187\n" + RULES, "router.yaml").httpPort()).isEqualTo(9187);
        assertThat(RouterConfig.parse(RULES, "router.yaml").httpPort()).as("off by default").isEqualTo(-1);
        assertRejected("http_port: -2\n" + RULES,
                "router.yaml:1: http_port: must be an integer between -1 and 65535, got '-2'");
    }
}
