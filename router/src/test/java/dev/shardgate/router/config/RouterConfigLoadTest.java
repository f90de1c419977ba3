package dev.shardgate.router.config;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigLoadTest {
    private static Path example() throws URISyntaxException {
        return Path.of(RouterConfigLoadTest.class.getResource("/config/spqr-router.yaml").toURI());
    }

    @Test
    void spqrStyleFileReadsIntoRecords() throws Exception {
        Path file = example();
        RouterConfig config = RouterConfig.load(file);

        assertThat(config.host()).isEqualTo("localhost");
        assertThat(config.routerPort()).isEqualTo(6432);
        assertThat(config.adminConsolePort()).isEqualTo(7432);
        assertThat(config.grpcApiPort()).isEqualTo(7010);
        assertThat(config.withCoordinator()).isFalse();
        assertThat(config.routerMode()).isEqualTo(RouterMode.PROXY);
        assertThat(config.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(config.poolWaitTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.clientIdleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.lockWaitTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.maxMessageLength()).isEqualTo(64 * 1024 * 1024);
        assertThat(config.defaultRouteBehaviour()).isEqualTo(DefaultRouteBehaviour.ALLOW);
        assertThat(config.qdbFile()).isEqualTo(file.getParent().resolve("qdb.json"));
        assertThat(config.initSqlFile()).isEqualTo(file.getParent().resolve("init.sql"));

        assertThat(config.frontendRules()).containsExactly(
                new FrontendRule("mydb", "myuser", PoolMode.TRANSACTION, AuthRule.ok(), false),
                new FrontendRule("mydb", "reporter", PoolMode.SESSION, new AuthRule(AuthMethod.SCRAM, "r3port!"), false),
                new FrontendRule(null, null, PoolMode.TRANSACTION, new AuthRule(AuthMethod.MD5, "anyone"), true));
        assertThat(config.consoleRules()).containsExactly(new FrontendRule(
                "spqr-console", "admin", PoolMode.TRANSACTION,
                new AuthRule(AuthMethod.CLEAR_TEXT, "your_admin_password"), false));
        assertThat(config.backendRules()).containsExactly(
                new BackendRule("mydb", "myuser", 100, false, true,
                        new AuthRule(AuthMethod.CLEAR_TEXT, "backend_password"), false),
                new BackendRule(null, null, 10, true, true, new AuthRule(AuthMethod.MD5, "12345"), true));
        assertThat(config.shards()).containsExactly(
                Map.entry("sh1", new ShardConfig(List.of("localhost:5432", "replica1:5432"), ShardType.DATA)),
                Map.entry("sh2", new ShardConfig(List.of("[::1]:6000"), ShardType.DATA)));
        assertThat(config.shards().get("sh2").addresses())
                .containsExactly(InetSocketAddress.createUnresolved("::1", 6000));
    }

    @Test
    void rulesMatchExactPairFirstThenPoolDefault() throws Exception {
        RouterConfig config = RouterConfig.load(example());

        assertThat(config.frontendRuleFor("mydb", "reporter")).map(FrontendRule::poolMode).contains(PoolMode.SESSION);
        assertThat(config.frontendRuleFor("otherdb", "reporter")).map(FrontendRule::poolDefault).contains(true);
        assertThat(config.backendRuleFor("mydb", "myuser")).map(BackendRule::connectionLimit).contains(100);
        assertThat(config.backendRuleFor("mydb", "reporter")).map(BackendRule::connectionLimit).contains(10);
    }

    @Test
    void consoleRulesMatchOnUserUnderAnyConsoleName() throws Exception {
        RouterConfig config = RouterConfig.load(example());

        assertThat(config.consoleRuleFor("admin")).map(FrontendRule::usr).contains("admin");
        assertThat(config.consoleRuleFor("myuser")).isEmpty();
        // The pool_default rule must not open the console to everyone.
        assertThat(config.frontendRuleFor("shardgate_console", "myuser")).isEmpty();
        assertThat(config.frontendRuleFor("spqr-console", "admin")).isEmpty();
    }

    @Test
    void withoutPoolDefaultUnknownPairsHaveNoRule() {
        RouterConfig config = RouterConfig.parse("""
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: mydb, usr: myuser}
                """, "router.yaml");

        assertThat(config.frontendRuleFor("mydb", "myuser")).isPresent();
        assertThat(config.frontendRuleFor("mydb", "other")).isEmpty();
        assertThat(config.backendRuleFor("otherdb", "myuser")).isEmpty();
    }

    @Test
    void absentKeysTakeDefaults() {
        RouterConfig config = RouterConfig.parse("""
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: mydb
                    usr: myuser
                """, "router.yaml");

        assertThat(config).isEqualTo(new RouterConfig(
                "localhost", 6432, 7432, 7010, false, "", RouterMode.PROXY, LogLevel.INFO,
                List.of(new FrontendRule("mydb", "myuser", PoolMode.TRANSACTION, AuthRule.ok(), false)),
                List.of(new BackendRule("mydb", "myuser", 50, false, true, AuthRule.ok(), false)),
                Map.of(), List.of(), null, null,
                Duration.ofSeconds(10), Duration.ZERO, 1 << 30, DefaultRouteBehaviour.BLOCK,
                Duration.ofSeconds(5), CommitStrategy.BEST_EFFORT, null, 100, Runtime.getRuntime().availableProcessors(),
                new ShardLinkSettings(Duration.ofSeconds(5), true, Duration.ofSeconds(30), Duration.ofSeconds(10), 3,
                        Duration.ZERO, Duration.ofSeconds(10)), dev.shardgate.qdb.tls.GrpcTls.DISABLED,
                FrontendTlsSettings.DISABLED, ShardTlsSettings.DISABLED, -1,
                new HealthSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 3, 2, 0, Duration.ZERO, null, null, null), RouterConfig.DEFAULT_SHUTDOWN_TIMEOUT, RouterConfig.DEFAULT_PAUSE_TIMEOUT,
                new ClientLimits(Duration.ofSeconds(60), 5_000, Duration.ofSeconds(1)), false,
                RouterConfig.DEFAULT_MAX_INTERMEDIATE_RESULT_SIZE));
    }

    @Test
    void healthCheckSettingsAndReplicaLag() {
        RouterConfig config = RouterConfig.parse("""
                health_check_interval: 500ms
                health_check_timeout: 300ms
                health_check_fails: 2
                health_check_successes: 1
                max_replica_lag: 16MB, 10s
                health_check:
                  user: monitor
                  database: postgres
                  password: secret
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: mydb
                    usr: myuser
                """, "router.yaml");

        assertThat(config.health()).isEqualTo(new HealthSettings(Duration.ofMillis(500), Duration.ofMillis(300), 2, 1,
                16L << 20, Duration.ofSeconds(10), "monitor", "postgres", "secret"));
        assertThat(RouterConfig.parse(config.toYaml(), "again").health()).isEqualTo(config.health());
    }

    @Test
    void maxReplicaLagIsASizeOrADuration() {
        String rules = """
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: mydb
                    usr: myuser
                """;
        assertThat(RouterConfig.parse("max_replica_lag: 1MB\n" + rules, "r").health().maxLagBytes()).isEqualTo(1L << 20);
        assertThat(RouterConfig.parse("max_replica_lag: 2s\n" + rules, "r").health().maxLagTime()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> RouterConfig.parse("max_replica_lag: soon\n" + rules, "router.yaml"))
                .hasMessageContaining("max_replica_lag").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> RouterConfig.parse("health_check_fails: 0\n" + rules, "router.yaml"))
                .hasMessageContaining("health_check_fails");
        assertThatThrownBy(() -> RouterConfig.parse("health_check:\n  user: x\n" + rules, "router.yaml"))
                .hasMessageContaining("health_check.database");
    }

    @Test
    void clientLimitsAndMaxMessageSize() {
        RouterConfig config = RouterConfig.parse("""
                max_message_size: 1MB
                auth_timeout: 5s
                max_clients: 300
                auth_failure_delay: 250ms
                client_connection_rate: 50
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: mydb, usr: myuser}
                """, "router.yaml");

        assertThat(config.maxMessageLength()).isEqualTo(1 << 20);
        assertThat(config.clientLimits()).isEqualTo(new ClientLimits(Duration.ofSeconds(5), 300, Duration.ofMillis(250), 50));
    }

    @Test
    void shardLinkSettingsTakePgBouncersNames() {
        RouterConfig config = RouterConfig.parse("""
                server_connect_timeout: 2s
                tcp_keepalive: true
                tcp_keepidle: 60s
                tcp_keepintvl: 5s
                tcp_keepcnt: 4
                query_timeout: 30s
                cancel_wait_timeout: 3s
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: mydb
                    usr: myuser
                """, "router.yaml");

        assertThat(config.shardLinks()).isEqualTo(
                new ShardLinkSettings(Duration.ofSeconds(2), true, Duration.ofSeconds(60), Duration.ofSeconds(5), 4,
                Duration.ofSeconds(30), Duration.ofSeconds(3)));
    }

    @Test
    void shutdownTimeoutIsReadAndANegativeOneRefusedNamingTheKey() {
        String rules = """
                frontend_rules:
                  - {db: mydb, usr: myuser, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {db: mydb, usr: myuser}
                """;
        assertThat(RouterConfig.parse("shutdown_timeout: 5s\n" + rules, "router.yaml").shutdownTimeout())
                .isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> RouterConfig.parse("shutdown_timeout: -1s\n" + rules, "router.yaml"))
                .hasMessageStartingWith("router.yaml:1: shutdown_timeout:");
    }

    @Test
    void numbersMayBeQuotedOrNotAndEnumsAnyCase() {
        RouterConfig config = RouterConfig.parse("""
                router_port: 7000
                admin_console_port: '7001'
                log_level: DEBUG
                router_mode: local
                with_coordinator: 'false'
                max_message_length: 1048576
                client_idle_timeout: 0
                frontend_rules:
                  - {db: mydb, usr: myuser, pool_mode: session, auth_rule: {auth_method: MD5, password: 123}}
                backend_rules:
                  - {pool_default: true, connection_limit: '7'}
                """, "router.yaml");

        assertThat(config.routerPort()).isEqualTo(7000);
        assertThat(config.adminConsolePort()).isEqualTo(7001);
        assertThat(config.logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(config.routerMode()).isEqualTo(RouterMode.LOCAL);
        assertThat(config.withCoordinator()).isFalse();
        assertThat(config.maxMessageLength()).isEqualTo(1 << 20);
        assertThat(config.clientIdleTimeout()).isZero();
        assertThat(config.frontendRules().getFirst().poolMode()).isEqualTo(PoolMode.SESSION);
        assertThat(config.frontendRules().getFirst().authRule()).isEqualTo(new AuthRule(AuthMethod.MD5, "123"));
        assertThat(config.backendRules().getFirst().connectionLimit()).isEqualTo(7);
    }

    @Test
    void loadRequiresTheInitSqlFileToExist(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("router.yaml");
        Files.writeString(file, """
                init_sql: missing.sql
                frontend_rules:
                  - {pool_default: true, auth_rule: {auth_method: ok}}
                backend_rules:
                  - {pool_default: true}
                """);

        assertThatThrownBy(() -> RouterConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":1: init_sql: file '" + dir.resolve("missing.sql") + "' does not exist");
    }

    @Test
    void loadNamesAnUnreadableFile(@TempDir Path dir) {
        Path file = dir.resolve("absent.yaml");

        assertThatThrownBy(() -> RouterConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": cannot read configuration");
    }

    @Test
    void recordsAreImmutable() throws Exception {
        RouterConfig config = RouterConfig.load(example());

        assertThatThrownBy(() -> config.frontendRules().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.shards().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.shards().get("sh1").hosts().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
