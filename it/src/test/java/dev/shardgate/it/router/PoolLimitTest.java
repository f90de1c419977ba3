package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** connection_limit 1 with pool_wait_timeout 500ms: SESSION clients wait and are refused; TRANSACTION clients share. */
@RealPostgres(servers = 2)
@Timeout(60)
class PoolLimitTest {
    private static final Duration POOL_WAIT = Duration.ofMillis(500);

    private static Account sessionUser;
    private static Account transactionUser;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        LocalPostgres shard = servers.get(0);
        sessionUser = Account.create(shard, "rt_pool");
        transactionUser = sessionUser.withUser(shard, "rt_pool_tx");
        var config = RunningRouter.configFor(shard).poolWaitTimeout(POOL_WAIT);
        RunningRouter.admit(config, sessionUser, PoolMode.SESSION, 1);
        RunningRouter.admit(config, transactionUser, PoolMode.TRANSACTION, 1);
        router = RunningRouter.start(config);
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void sessionModeSecondClientIsRefusedAfterThePoolWait() throws SQLException {
        try (Connection first = router.connect(sessionUser)) {
            assertThat(Sql.single(first, "select 1")).isEqualTo("1");

            long start = System.nanoTime();
            SQLException refused = Sql.assertFailsWith("53300", () -> router.connect(sessionUser).close());
            Duration waited = Duration.ofNanos(System.nanoTime() - start);

            assertThat(refused.getMessage()).contains(RunningRouter.SHARD).contains("rt_pool").contains("connection_limit 1");
            assertThat(waited).isBetween(POOL_WAIT.minusMillis(50), Duration.ofSeconds(3));
            assertThat(Sql.single(first, "select 'first still works'")).isEqualTo("first still works");
        }
        try (Connection second = router.connect(sessionUser)) {
            assertThat(Sql.single(second, "select 'slot freed'")).isEqualTo("slot freed");
        }
    }

    @Test
    void transactionModeTwoClientsShareOneBackend() throws SQLException {
        try (Connection a = router.connect(transactionUser); Connection b = router.connect(transactionUser)) {
            String backend = Sql.single(a, "select pg_backend_pid()");
            for (int i = 0; i < 20; i++) {
                Connection client = i % 2 == 0 ? a : b;
                assertThat(Sql.single(client, "select " + i + ", pg_backend_pid()")).isEqualTo(String.valueOf(i));
                assertThat(Sql.single(client, "select pg_backend_pid()")).isEqualTo(backend);
            }
        }
    }
}
