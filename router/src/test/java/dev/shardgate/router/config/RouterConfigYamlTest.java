package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterConfigYamlTest {
    @Test
    void everyValueSurvivesARoundTrip() {
        RouterConfig config = RouterConfig.builder()
                .host("0.0.0.0").routerPort(16432).adminConsolePort(17432).grpcApiPort(17010)
                .withCoordinator(false).routerMode(RouterMode.LOCAL).logLevel(LogLevel.WARNING)
                .frontendRule(new FrontendRule("sales", "app", PoolMode.SESSION,
                        new AuthRule(AuthMethod.SCRAM, "s3cret: 'quoted' # not a comment"), false))
                .frontendRule(new FrontendRule("sales", "reports", PoolMode.TRANSACTION, AuthRule.ok(), false,
                        TargetSessionAttrs.SMART_READ_WRITE))
                .frontendRule(FrontendRule.poolDefault(PoolMode.TRANSACTION, new AuthRule(AuthMethod.MD5, "123")))
                .frontendRule(FrontendRule.console("admin", new AuthRule(AuthMethod.CLEAR_TEXT, "yes")))
                .backendRule(new BackendRule("sales", "app", 7, true, false,
                        new AuthRule(AuthMethod.CLEAR_TEXT, "true"), false))
                .backendRule(BackendRule.poolDefault(AuthRule.ok()))
                .shard("sh2", ShardConfig.data("pg2:5432"))
                .shard("sh1", new ShardConfig(List.of("pg1:5432", "[::1]:5433"), ShardType.WORLD))
                .qdbFile(Path.of("data/qdb.json")).initSqlFile(Path.of("init.sql"))
                .poolWaitTimeout(Duration.ofMillis(1500)).clientIdleTimeout(Duration.ofHours(2))
                .maxMessageLength(1 << 30).defaultRouteBehaviour(DefaultRouteBehaviour.ALLOW)
                .lockWaitTimeout(Duration.ofMinutes(1))
                .health(HealthSettings.DEFAULTS.withInterval(Duration.ofMillis(500)).withCounts(4, 1)
                        .withMaxLag(16 << 20, Duration.ofSeconds(10)).withCredentials("monitor", "postgres", "pw"))
                .build();

        RouterConfig reread = RouterConfig.parse(config.toYaml(), "written.yaml");

        assertThat(reread).isEqualTo(config);
        assertThat(reread.shards().keySet()).containsExactly("sh2", "sh1");
    }

    @Test
    void fileExampleSurvivesARoundTrip() throws Exception {
        RouterConfig config = RouterConfig.load(
                Path.of(RouterConfigYamlTest.class.getResource("/config/spqr-router.yaml").toURI()));

        assertThat(RouterConfig.parse(config.toYaml(), "written.yaml")).isEqualTo(config);
    }

    @Test
    void writesSpqrShapedYamlWithPasswords() {
        RouterConfig config = RouterConfig.builder()
                .frontendRule(FrontendRule.of("mydb", "myuser", AuthRule.ok()))
                .backendRule(BackendRule.of("mydb", "myuser", new AuthRule(AuthMethod.CLEAR_TEXT, "backend_password")))
                .shard("sh1", ShardConfig.data("localhost:5432"))
                .build();

        assertThat(config.toYaml()).isEqualTo("""
                # Shardgate router configuration
                host: localhost
                router_port: 6432
                admin_console_port: 7432
                grpc_api_port: 7010
                with_coordinator: false
                router_mode: PROXY
                log_level: info
                pool_wait_timeout: 10s
                client_idle_timeout: '0'
                shutdown_timeout: 30s
                pause_timeout: 2min
                lock_wait_timeout: 5s
                max_message_size: 1GB
                auth_timeout: 1min
                max_clients: 5000
                auth_failure_delay: 1s
                client_connection_rate: 0
                default_route_behaviour: BLOCK
                commit_strategy: best_effort
                sequence_block_size: 100
                event_loops: %d
                server_connect_timeout: 5s
                tcp_keepalive: true
                tcp_keepidle: 30s
                tcp_keepintvl: 10s
                tcp_keepcnt: 3
                query_timeout: '0'
                cancel_wait_timeout: 10s
                health_check_interval: 2s
                health_check_timeout: 1s
                health_check_fails: 3
                health_check_successes: 2
                max_replica_lag: '0'
                frontend_rules:
                  - db: mydb
                    usr: myuser
                    pool_mode: TRANSACTION
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: mydb
                    usr: myuser
                    connection_limit: 50
                    pool_discard: false
                    pool_rollback: true
                    auth_rule:
                      auth_method: clear_text
                      password: backend_password
                shards:
                  sh1:
                    type: DATA
                    hosts:
                      - localhost:5432
                """.formatted(RouterConfig.DEFAULT_EVENT_LOOPS));
    }

    @Test
    void toBuilderKeepsEverything() throws Exception {
        RouterConfig config = RouterConfig.load(
                Path.of(RouterConfigYamlTest.class.getResource("/config/spqr-router.yaml").toURI()));

        assertThat(config.toBuilder().build()).isEqualTo(config);
        assertThat(config.toBuilder().routerPort(9999).build().routerPort()).isEqualTo(9999);
    }
}
