package dev.shardgate.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.wire.auth.PasswordExchange;
import org.junit.jupiter.api.Test;

class CoordinatorConfigTest {

    @Test
    void readsTheSpqrExample() {
        CoordinatorConfig config = CoordinatorConfig.parse("""
                host: 'localhost'
                coordinator_port: '7002'
                grpc_api_port: '7003'
                qdb_addr: 'localhost:2379'
                log_level: info
                frontend_rules:
                  - db: spqr_console
                    usr: admin
                    auth_rule:
                      auth_method: ok
                      password: your_admin_password
                """, "coordinator.yaml");
        assertThat(config.host()).isEqualTo("localhost");
        assertThat(config.coordinatorPort()).isEqualTo(7002);
        assertThat(config.grpcApiPort()).isEqualTo(7003);
        assertThat(config.qdbAddr()).isEqualTo("localhost:2379");
        assertThat(config.logLevel()).isEqualTo("INFO");
        assertThat(config.frontendRules()).containsExactly(
                new ConsoleRule("spqr_console", "admin", PasswordExchange.Method.TRUST, null));
    }

    @Test
    void emptyFileGivesDefaults() {
        assertThat(CoordinatorConfig.parse("", "c.yaml")).isEqualTo(CoordinatorConfig.defaults());
    }

    @Test
    void unknownKeyIsNamed() {
        var e = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("coordinator_prot: 7002\n", "c.yaml"));
        assertThat(e.keyPath()).isEqualTo("coordinator_prot");
        assertThat(e.getMessage()).startsWith("c.yaml: coordinator_prot: unknown key");
    }

    @Test
    void badPortIsNamed() {
        var e = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("coordinator_port: seventy\n", "c.yaml"));
        assertThat(e.keyPath()).isEqualTo("coordinator_port");
        assertThat(e.getMessage()).contains("'seventy'");
    }

    @Test
    void nestedErrorsNameTheirPath() {
        var method = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                frontend_rules:
                  - db: d
                    usr: u
                    auth_rule: {auth_method: plain}
                """, "c.yaml"));
        assertThat(method.keyPath()).isEqualTo("frontend_rules[0].auth_rule.auth_method");

        var password = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                frontend_rules:
                  - db: d
                    usr: u
                    auth_rule: {auth_method: md5}
                """, "c.yaml"));
        assertThat(password.keyPath()).isEqualTo("frontend_rules[0].auth_rule.password");

        var unknown = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                frontend_rules:
                  - db: d
                    user: u
                """, "c.yaml"));
        assertThat(unknown.keyPath()).isEqualTo("frontend_rules[0].user");
    }

    @Test
    void duplicateKeysAreRefused() {
        var e = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("host: a\nhost: b\n", "c.yaml"));
        assertThat(e.getMessage()).contains("host");
    }

    @Test
    void theBalancerIsOffByDefault() {
        assertThat(CoordinatorConfig.parse("", "c.yaml").balancer()).isEqualTo(BalancerConfig.defaults());
        assertThat(BalancerConfig.defaults().enabled()).isFalse();
        assertThat(CoordinatorConfig.parse("balancer: {interval: 5m}\n", "c.yaml").balancer().enabled()).isFalse();
    }

    @Test
    void readsTheBalancerSection() {
        BalancerConfig balancer = CoordinatorConfig.parse("""
                balancer:
                  enabled: true
                  interval: 90s
                  threshold: 5
                  by: bytes
                  max_moves: 3
                """, "c.yaml").balancer();
        assertThat(balancer).isEqualTo(new BalancerConfig(true, java.time.Duration.ofSeconds(90), 5, true, 3));
        assertThat(balancer.toString()).isEqualTo("enabled=true interval=90s threshold=5 by=bytes max_moves=3");
        assertThat(CoordinatorConfig.parse("balancer: {interval: 500ms}\n", "c.yaml").balancer().interval())
                .isEqualTo(java.time.Duration.ofMillis(500));
        // router.yaml's durations (PostgreSQL's units and Go's), and a bare number of seconds as before
        for (String[] written : new String[][] {{"1min", "60"}, {"1m30s", "90"}, {"2H", "7200"}, {"90", "90"}, {"1h0m0s", "3600"}}) {
            assertThat(CoordinatorConfig.parse("balancer: {interval: " + written[0] + "}\n", "c.yaml").balancer().interval())
                    .as(written[0]).isEqualTo(java.time.Duration.ofSeconds(Long.parseLong(written[1])));
        }
    }

    @Test
    void badBalancerValuesAreNamed() {
        for (String[] bad : new String[][] {{"interval: soon", "balancer.interval"}, {"interval: 10ms", "balancer.interval"},
                {"interval: 5 parsecs", "balancer.interval"}, {"interval: 0", "balancer.interval"},
                {"threshold: 150", "balancer.threshold"}, {"by: keys", "balancer.by"}, {"max_moves: 0", "balancer.max_moves"},
                {"enabled: maybe", "balancer.enabled"}, {"max_concurrent_moves: 2", "balancer.max_concurrent_moves"}}) {
            var e = catchThrowableOfType(CoordinatorConfigException.class,
                    () -> CoordinatorConfig.parse("balancer:\n  " + bad[0] + "\n", "c.yaml"));
            assertThat(e.keyPath()).as(bad[0]).isEqualTo(bad[1]);
        }
    }

    @Test
    void readsTheDataMoveSection() {
        CoordinatorConfig config = CoordinatorConfig.parse("""
                data_move:
                  database: shop
                  user: mover
                  password: secret
                  batch_size: 1000
                """, "c.yaml");
        assertThat(config.dataMove()).isEqualTo(new DataMoveConfig("shop", "mover", "secret", 1000));
        // without a batch_size, batches are sized by time: the first of 10,000 rows, the next to hold 500 ms
        assertThat(CoordinatorConfig.parse("data_move: {user: u}\n", "c.yaml").dataMove())
                .isEqualTo(new DataMoveConfig("postgres", "u", "", 10_000, java.time.Duration.ofMillis(500)));
        assertThat(CoordinatorConfig.parse("data_move: {batch_lock: 2s}\n", "c.yaml").dataMove().batchLock())
                .isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(CoordinatorConfig.parse("data_move: {batch_lock: 1s500ms}\n", "c.yaml").dataMove().batchLock())
                .isEqualTo(java.time.Duration.ofMillis(1500));
        assertThat(CoordinatorConfig.parse("data_move: {batch_lock: 1min}\n", "c.yaml").dataMove().batchLock())
                .isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(new DataMoveConfig("shop", "mover", "secret", 1000).isSizedByTime()).isFalse();
    }

    @Test
    void batchSizeAndBatchLockAreOneChoice() {
        for (String[] bad : new String[][] {
                {"data_move: {batch_size: 100, batch_lock: 500ms}\n", "data_move.batch_lock"},
                {"data_move: {batch_lock: 5}\n", "data_move.batch_lock"},
                {"data_move: {batch_lock: 1ms}\n", "data_move.batch_lock"},
                {"data_move_bound_batch_size: 100\ndata_move: {batch_lock: 500ms}\n", "data_move_bound_batch_size"}}) {
            var e = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse(bad[0], "c.yaml"));
            assertThat(e.keyPath()).as(bad[0]).isEqualTo(bad[1]);
        }
    }

    @Test
    void dataMoveErrorsNameTheirPath() {
        var unknown = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("data_move: {usr: u}\n", "c.yaml"));
        assertThat(unknown.keyPath()).isEqualTo("data_move.usr");
        var batch = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("data_move: {batch_size: 0}\n", "c.yaml"));
        assertThat(batch.keyPath()).isEqualTo("data_move.batch_size");
        assertThat(batch.getMessage()).contains("positive");
    }

    @Test
    void printedConfigsKeepPasswordsOut() {
        CoordinatorConfig config = CoordinatorConfig.defaults()
                .withDataMove(new DataMoveConfig("db", "mover", "s3cret-move", 100));
        ConsoleRule rule = new ConsoleRule("spqr-console", "admin", PasswordExchange.Method.MD5, "s3cret-console");
        assertThat(config.toString()).doesNotContain("s3cret").contains("mover");
        assertThat(rule.toString()).doesNotContain("s3cret").contains("admin");
    }
}
