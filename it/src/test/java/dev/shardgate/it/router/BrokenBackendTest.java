package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * In TRANSACTION mode clients hold no backend between transactions; when the shard kills the idle
 * backends (an administrator's pg_terminate_backend, a restart of the server process) the router
 * must notice and open new ones, and the clients must not see it.
 */
@RealPostgres(servers = 2)
@Timeout(60)
class BrokenBackendTest {
    private static final int BACKENDS = 2;

    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_broken");
        router = RunningRouter.start(RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, BACKENDS));
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void queriesAfterTheShardKilledTheIdleBackendsSucceed() throws Exception {
        try (Connection a = router.connect(account); Connection b = router.connect(account)) {
            for (int round = 1; round <= 2; round++) {
                holdBothBackendsOnce(a, b);
                Set<Integer> killed = routerBackendsOnShard();
                assertThat(killed).as("the router's idle backends, round " + round).hasSize(BACKENDS);

                terminateOnShard(killed);

                assertThat(Sql.single(a, "select 'a after kill " + round + "'")).isEqualTo("a after kill " + round);
                assertThat(Sql.single(b, "select 'b after kill " + round + "'")).isEqualTo("b after kill " + round);
                assertThat(Integer.valueOf(Sql.single(a, "select pg_backend_pid()"))).isNotIn(killed);
            }
        }
        try (Connection late = router.connect(account)) {
            assertThat(Sql.single(late, "select 'new client'")).isEqualTo("new client");
        }
    }

    /** Both clients in a transaction at once, so the pool holds two backends, both idle afterwards. */
    private static void holdBothBackendsOnce(Connection a, Connection b) throws SQLException {
        a.setAutoCommit(false);
        b.setAutoCommit(false);
        String pidA = Sql.single(a, "select pg_backend_pid()");
        String pidB = Sql.single(b, "select pg_backend_pid()");
        assertThat(pidA).isNotEqualTo(pidB);
        a.commit();
        b.commit();
        a.setAutoCommit(true);
        b.setAutoCommit(true);
    }

    private static Set<Integer> routerBackendsOnShard() throws SQLException {
        Set<Integer> pids = new HashSet<>();
        try (Connection direct = superuser(); Statement statement = direct.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT pid FROM pg_stat_activity WHERE usename = '" + account.user() + "' AND pid <> pg_backend_pid()"
                                + " AND application_name <> 'shardgate_health_check'")) {
            while (rows.next()) {
                pids.add(rows.getInt(1));
            }
        }
        return pids;
    }

    /** Kills the router's backends as the brief's administrator would, and waits until they are gone. */
    private static void terminateOnShard(Set<Integer> pids) throws Exception {
        try (Connection direct = superuser()) {
            assertThat(Sql.single(direct, "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity"
                    + " where usename = '" + account.user() + "' and pid <> pg_backend_pid()"
                    + " and application_name <> 'shardgate_health_check') terminated"))
                    .isEqualTo(String.valueOf(pids.size()));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (routerBackendsOnShard().stream().anyMatch(pids::contains)) {
            assertThat(System.nanoTime()).as("terminated backends gone within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Connection superuser() throws SQLException {
        return DriverManager.getConnection(shard.jdbcUrl(account.database()), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD);
    }
}
