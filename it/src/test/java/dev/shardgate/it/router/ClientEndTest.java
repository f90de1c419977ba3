package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * However a client's connection ends ({@link DyingClient.Death}: after half a message, shut down,
 * closed or reset, in a transaction, a COPY or an extended-protocol segment) the router sees the
 * end, its socket closes, and the client's backend leaves its transaction and returns to the pool:
 * no backend stays {@code idle in transaction} with its locks for a client that is gone. On the
 * event loops and without them.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class ClientEndTest {
    private static final int BACKENDS = 2;

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void everyWayOfDyingFreesTheBackend(int eventLoops, PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_client_end_" + eventLoops);
        var config = RunningRouter.trusting(RunningRouter.configFor(shard).eventLoops(eventLoops), account, BACKENDS);
        try (RunningRouter router = RunningRouter.start(config)) {
            try (Connection setup = router.connect(account)) {
                Sql.execute(setup, "CREATE TABLE t (id int PRIMARY KEY, v int)");
                Sql.execute(setup, "INSERT INTO t VALUES (1, 0)");
            }
            DyingClient client = new DyingClient(router.port(), account, "t", 1, 2);
            for (DyingClient.Death death : DyingClient.Death.values()) {
                // more deaths than backends: a leaked backend would exhaust the pool
                for (int round = 0; round < BACKENDS + 1; round++) {
                    client.die(death);
                    awaitNoTransactionLeftOn(shard, account, death);
                }
                try (Connection a = router.connect(account); Connection b = router.connect(account)) {
                    a.setAutoCommit(false);
                    b.setAutoCommit(false);
                    Sql.execute(a, "UPDATE t SET v = v + 1 WHERE id = 1");
                    assertThat(Sql.single(b, "SELECT count(*) FROM t")).as("the pool is whole after " + death).isEqualTo("1");
                    a.commit();
                    b.commit();
                }
            }
        }
    }

    /** Polls the shard until no backend of the account is in a transaction (10 s at most). */
    private static void awaitNoTransactionLeftOn(LocalPostgres shard, Account account, DyingClient.Death death) throws InterruptedException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + account.user()
                + "' AND state LIKE 'idle in transaction%'";
        String count = "";
        for (int i = 0; i < 100; i++) {
            count = shard.psql("postgres", sql).trim();
            if (count.equals("0")) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(count).as("backends idle in transaction after a client died: " + death).isEqualTo("0");
    }
}
