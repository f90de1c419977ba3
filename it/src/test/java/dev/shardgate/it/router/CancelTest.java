package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** pgjdbc's Statement.cancel() sends a CancelRequest to the router, which must pass it to the right shard backend. */
@RealPostgres(servers = 2)
@Timeout(60)
class CancelTest {
    private static LocalPostgres shard;
    private static Account transactionUser;
    private static Account sessionUser;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        transactionUser = Account.create(shard, "rt_cancel");
        sessionUser = transactionUser.withUser(shard, "rt_cancel_session");
        var config = RunningRouter.configFor(shard);
        RunningRouter.admit(config, transactionUser, PoolMode.TRANSACTION, 2);
        RunningRouter.admit(config, sessionUser, PoolMode.SESSION, 2);
        router = RunningRouter.start(config);
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @ParameterizedTest(name = "{0} pool mode")
    @EnumSource(PoolMode.class)
    void cancelEndsALongQueryAndTheConnectionGoesOn(PoolMode mode) throws Exception {
        Account account = mode == PoolMode.TRANSACTION ? transactionUser : sessionUser;
        try (Connection connection = router.connect(account); Statement statement = connection.createStatement()) {
            CompletableFuture<Long> canceledAfter = CompletableFuture.supplyAsync(() -> {
                try {
                    awaitSleepingOnShard(account.user());
                    long canceledAt = System.nanoTime();
                    statement.cancel();
                    return canceledAt;
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });

            SQLException canceled = Sql.assertFailsWith("57014", () -> statement.executeQuery("select pg_sleep(30)"));
            long ended = System.nanoTime();
            assertThat(canceled.getMessage()).contains("canceling statement due to user request");
            assertThat(Duration.ofNanos(ended - canceledAfter.get(5, TimeUnit.SECONDS)))
                    .as("from cancel() to the error").isLessThan(Duration.ofSeconds(3));

            assertThat(Sql.single(connection, "select 'still here'")).isEqualTo("still here");
        }
        assertThat(sleepersOnShard(account.user())).isZero();
    }

    /** A query still waiting for a pooled backend is cancelled there, not after the pool wait timeout. */
    @org.junit.jupiter.api.Test
    void cancelEndsTheWaitForABackend() throws Exception {
        // connection_limit 2: two open transactions hold both backends, the third client's query waits
        try (Connection holder = router.connect(transactionUser); Connection holder2 = router.connect(transactionUser);
             Connection waiter = router.connect(transactionUser); Statement statement = waiter.createStatement()) {
            holder.setAutoCommit(false);
            holder2.setAutoCommit(false);
            Sql.single(holder, "select 1"); // both backends now held by open transactions
            Sql.single(holder2, "select 1");
            CompletableFuture<Long> canceledAt = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(500);
                    long at = System.nanoTime();
                    statement.cancel();
                    return at;
                } catch (SQLException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            SQLException canceled = Sql.assertFailsWith("57014", () -> statement.executeQuery("select 42"));
            long ended = System.nanoTime();
            assertThat(canceled.getMessage()).contains("waiting for a backend connection");
            assertThat(Duration.ofNanos(ended - canceledAt.get(5, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(2));
            holder.rollback();
            assertThat(Sql.single(waiter, "select 'after'")).isEqualTo("after");
        }
    }

    /** Waits until the shard runs the query, so the cancel is not sent before it could matter. */
    private static void awaitSleepingOnShard(String user) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sleepersOnShard(user) == 0) {
            assertThat(System.nanoTime()).as("pg_sleep running on the shard within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static int sleepersOnShard(String user) throws SQLException {
        try (Connection direct = DriverManager.getConnection(shard.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD)) {
            return Integer.parseInt(Sql.single(direct, "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + user
                    + "' AND state = 'active' AND query LIKE 'select pg_sleep%'"));
        }
    }
}
