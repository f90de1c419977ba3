package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** In TRANSACTION mode a client's explicit transaction keeps its backend from BEGIN to COMMIT, and nobody else's. */
@RealPostgres(servers = 2)
@Timeout(60)
class ClientTransactionsTest {
    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_tx");
        shard.psql(account.database(), "SET ROLE rt_tx; CREATE TABLE ledger(id int PRIMARY KEY, owner text NOT NULL)");
        router = RunningRouter.start(RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, 3));
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void anOpenTransactionIsInvisibleToOthersUntilCommit() throws SQLException {
        try (Connection a = router.connect(account); Connection b = router.connect(account)) {
            Sql.execute(a, "BEGIN");
            String backend = Sql.single(a, "select pg_backend_pid()");
            String transaction = Sql.single(a, "select txid_current()");
            Sql.execute(a, "INSERT INTO ledger VALUES (1, 'a')");

            assertThat(Sql.single(b, "select count(*) from ledger where owner = 'a'")).isEqualTo("0");

            Sql.execute(a, "INSERT INTO ledger VALUES (2, 'a')");
            assertThat(Sql.single(a, "select count(*) from ledger where owner = 'a'")).isEqualTo("2");
            assertThat(Sql.single(a, "select pg_backend_pid()")).isEqualTo(backend);
            assertThat(Sql.single(a, "select txid_current()")).isEqualTo(transaction);
            assertThat(Sql.single(b, "select pg_backend_pid()")).isNotEqualTo(backend);
            assertThat(Sql.single(b, "select count(*) from ledger where owner = 'a'")).isEqualTo("0");

            Sql.execute(a, "COMMIT");
            assertThat(Sql.single(b, "select count(*) from ledger where owner = 'a'")).isEqualTo("2");
        }
    }

    /** pool_rollback: a client gone mid-transaction leaves its backend clean for the next one. */
    @Test
    void aClientVanishingMidTransactionLeavesNothingBehind() throws Exception {
        try (Connection a = router.connect(account, Map.of(
                "socketFactory", TrackedSocketFactory.class.getName(), "socketFactoryArg", "vanishing", "sslmode", "disable"))) {
            a.setAutoCommit(false);
            Sql.execute(a, "INSERT INTO ledger VALUES (50, 'vanished')");
            TrackedSocketFactory.sever("vanishing"); // no COMMIT, no Terminate: the socket just closes
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!shard.psql(account.database(), "SELECT count(*) FROM pg_stat_activity WHERE usename = 'rt_tx' AND state <> 'idle'")
                .equals("0")) {
            assertThat(System.nanoTime()).as("the router's backends idle again within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        List<Connection> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) { // as many as the pool holds: one of them gets the vanished client's backend
                Connection client = router.connect(account);
                clients.add(client);
                client.setAutoCommit(false);
                // inside the vanished client's transaction its own uncommitted row would be visible
                assertThat(Sql.single(client, "select count(*) from ledger where id = 50")).isEqualTo("0");
            }
        } finally {
            for (Connection client : clients) {
                client.close();
            }
        }
    }

    @Test
    void twoOpenTransactionsSideBySideEachSeeOnlyTheirOwnRows() throws SQLException {
        try (Connection a = router.connect(account); Connection b = router.connect(account);
                Connection observer = router.connect(account)) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            for (int i = 0; i < 5; i++) {
                Sql.execute(a, "INSERT INTO ledger VALUES (" + (100 + i) + ", 'side-a')");
                Sql.execute(b, "INSERT INTO ledger VALUES (" + (200 + i) + ", 'side-b')");
                assertThat(Sql.single(a, "select count(*) from ledger where owner like 'side-%'")).isEqualTo(String.valueOf(i + 1));
                assertThat(Sql.single(b, "select count(*) from ledger where owner like 'side-%'")).isEqualTo(String.valueOf(i + 1));
            }
            a.rollback();
            assertThat(Sql.single(observer, "select count(*) from ledger where owner like 'side-%'")).isEqualTo("0");
            b.commit();
            assertThat(Sql.single(observer, "select string_agg(distinct owner, ',') || ' ' || count(*) from ledger where owner like 'side-%'"))
                    .isEqualTo("side-b 5");
            assertThat(Sql.single(a, "select count(*) from ledger where owner = 'side-a'")).isEqualTo("0");
            a.commit();
        }
        assertThat(shard.psql(account.database(), "SELECT count(*) FROM ledger WHERE owner LIKE 'side-%'")).isEqualTo("5");
    }
}
