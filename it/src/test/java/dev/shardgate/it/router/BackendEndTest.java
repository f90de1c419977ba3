package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend that the shard ends while it runs a client's query (an administrator's
 * pg_terminate_backend, or a fast shutdown of the server: FATAL, then the connection closes) fails
 * that client's query at once with PostgreSQL's 57P01, and its pool slot is free again: the pool
 * serves as many clients as before. On the event loops and without them.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class BackendEndTest {
    private static final int BACKENDS = 3;

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aTerminatedBackendFailsItsClientAndFreesItsSlot(int eventLoops, PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_backend_end_" + eventLoops);
        var config = RunningRouter.trusting(RunningRouter.configFor(shard).eventLoops(eventLoops), account, BACKENDS);
        try (RunningRouter router = RunningRouter.start(config)) {
            for (int round = 0; round < 2; round++) {
                List<Connection> clients = new ArrayList<>();
                List<CompletableFuture<SQLException>> sleeping = new ArrayList<>();
                for (int i = 0; i < BACKENDS; i++) {
                    Connection client = router.connect(account);
                    clients.add(client);
                    sleeping.add(CompletableFuture.supplyAsync(() -> {
                        try (Statement statement = client.createStatement()) {
                            statement.execute("SELECT pg_sleep(60)");
                            return null;
                        } catch (SQLException e) {
                            return e;
                        }
                    }, Thread::startVirtualThread)); // not the common pool: it may run one task at a time
                }
                awaitActive(shard, account, BACKENDS);
                boolean fastShutdown = round == 1;
                if (fastShutdown) {
                    shard.stop(); // pg_ctl stop -m fast: every backend gets FATAL 57P01 and closes
                } else {
                    shard.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '"
                            + account.user() + "' AND query LIKE 'SELECT pg_sleep%'");
                }
                try {
                    for (CompletableFuture<SQLException> each : sleeping) {
                        SQLException error = each.get(10, TimeUnit.SECONDS);
                        assertThat((Object) error).as("the client of a terminated backend gets an error").isNotNull();
                        assertThat(error.getSQLState()).isEqualTo("57P01");
                        assertThat(error.getMessage()).contains("terminating connection due to administrator command");
                    }
                } finally {
                    if (fastShutdown) {
                        shard.restart();
                    }
                }
                for (Connection client : clients) {
                    client.close();
                }
                // every slot is free again: as many clients as the pool allows hold a backend at once
                List<Connection> again = new ArrayList<>();
                try {
                    for (int i = 0; i < BACKENDS; i++) {
                        Connection client = router.connect(account);
                        again.add(client);
                        client.setAutoCommit(false);
                        assertThat(Sql.single(client, "SELECT 'slot " + i + "'")).isEqualTo("slot " + i);
                    }
                } finally {
                    for (Connection client : again) {
                        client.close();
                    }
                }
            }
        }
    }

    private static void awaitActive(LocalPostgres shard, Account account, int expected) throws InterruptedException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + account.user()
                + "' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'";
        for (int i = 0; i < 100; i++) {
            if (shard.psql("postgres", sql).trim().equals(Integer.toString(expected))) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(shard.psql("postgres", sql).trim()).isEqualTo(Integer.toString(expected));
    }
}
