package dev.shardgate.it.routing;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Transactions: BEGIN and what follows it are held back until a statement names the shard, the
 * transaction starts there, and a statement needing another shard makes that shard join it
 * (see it/twophase for commits spanning shards).
 * Keys 5 and 6 live on sh1, 1005 and 1006 on sh2; every shard holds a copy of each (see {@link Orders}).
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionRoutingTest {
    private RoutedShards cluster;
    private String sh2Port;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_transactions").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
        sh2Port = Integer.toString(cluster.serverPort("sh2"));
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void mirrorRows() throws SQLException {
        Orders.mirror(cluster);
    }

    @Test
    void psqlTransactionWithSetLocalBeforeItsKeyRunsWhollyOnTheKeysShard() throws SQLException {
        ProcessResult run = cluster.psql().script("""
                BEGIN;
                SET LOCAL statement_timeout = '5s';
                UPDATE orders SET amount = amount + 1 WHERE id = 1005;
                SELECT current_setting('statement_timeout'), inet_server_port();
                COMMIT;
                SHOW statement_timeout;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("BEGIN\nSET\nUPDATE 1\n5s|" + sh2Port + "\nCOMMIT\n0\n");
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1005")).isEqualTo(cluster.only("sh2", "1", "0"));
    }

    @Test
    void psqlBeginThenRollbackWithNothingBetweenWorks() {
        ProcessResult run = cluster.psql().script("BEGIN;\nROLLBACK;\nSTART TRANSACTION;\nCOMMIT;\nSELECT 1;\n");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("BEGIN\nROLLBACK\nSTART TRANSACTION\nCOMMIT\n1\n");
    }

    @Test
    void simpleProtocolBeginAndSetLocalAreReplayedOnTheKeysShard() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            execute(router, "BEGIN");
            execute(router, "SET LOCAL statement_timeout = '5s'");
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1005L)).isEqualTo(1);
            assertThat(query(router, "SELECT current_setting('statement_timeout'), inet_server_port()"))
                    .isEqualTo("5s|" + sh2Port);
            execute(router, "ROLLBACK");
            execute(router, "BEGIN");
            execute(router, "ROLLBACK");
            assertThat(query(router, "SELECT 1")).isEqualTo("1");
        }
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1005")).isEqualTo(cluster.everywhere("0"));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void withoutAutocommitTheTransactionGoesToItsFirstKeysShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            router.setAutoCommit(false);
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1005L)).isEqualTo(1);
            assertThat(query(router, "SELECT inet_server_port()")).isEqualTo(sh2Port);
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1006L)).isEqualTo(1);
            router.commit();

            assertThat(update(router, "UPDATE orders SET amount = amount + 100 WHERE id = ?", 5L)).isEqualTo(1);
            router.rollback();

            assertThat(query(router, "SELECT customer FROM orders WHERE id = ?", 6L)).isEqualTo("sh1");
            router.commit();
        }
        assertThat(cluster.onEachShard("SELECT string_agg(amount::text, ',' ORDER BY id) FROM orders"))
                .isEqualTo(cluster.only("sh2", "0,0,1,1", "0,0,0,0"));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStatementForAnotherShardJoinsTheTransactionAndRollbackUndoesBoth(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            router.setAutoCommit(false);
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 5L)).isEqualTo(1);
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1005L)).isEqualTo(1);
            assertThat(query(router, "SELECT customer FROM orders WHERE id = ?", 6L)).isEqualTo("sh1");
            router.rollback();

            assertThat(query(router, "SELECT customer FROM orders WHERE id = ?", 1005L)).isEqualTo("sh2");
            router.commit();
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 6L)).isEqualTo(1);
            router.commit();
        }
        assertThat(cluster.onEachShard("SELECT string_agg(amount::text, ',' ORDER BY id) FROM orders"))
                .as("only the update of the last transaction, on sh1")
                .isEqualTo(cluster.only("sh1", "0,1,0,0", "0,0,0,0"));
    }

    @Test
    void psqlTransactionOnTwoShardsRollsBackOnBoth() throws SQLException {
        ProcessResult run = cluster.psql().script("""
                \\set ON_ERROR_STOP 0
                \\set VERBOSITY verbose
                BEGIN;
                INSERT INTO orders (id, customer) VALUES (1700, 'tx');
                INSERT INTO orders (id, customer) VALUES (700, 'tx');
                SELECT 1;
                ROLLBACK;
                SELECT customer FROM orders WHERE id = 1005;
                """);
        assertThat(run.stderr()).doesNotContain("ERROR");
        assertThat(run.stdout()).isEqualTo("BEGIN\nINSERT 0 1\nINSERT 0 1\n1\nROLLBACK\nsh2\n");
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE customer = 'tx'")).isEqualTo(cluster.everywhere("0"));
    }

    /**
     * pgjdbc in autocommit mode sends a BEGIN it is given as its own Parse/Bind/Execute/Sync, as
     * pgbench -M extended and -M prepared do: the transaction must still go to the shard of its first key.
     */
    @ParameterizedTest
    @EnumSource(Protocol.class)
    void beginSyncedOnItsOwnWaitsForTheFirstKey(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            execute(router, "BEGIN");
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1005L)).isEqualTo(1);
            assertThat(query(router, "SELECT inet_server_port()")).isEqualTo(sh2Port);
            execute(router, "COMMIT");
        }
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1005")).isEqualTo(cluster.only("sh2", "1", "0"));
    }

    /**
     * A client sends its next BEGIN the moment it reads the previous transaction's ReadyForQuery;
     * the new transaction must not stick to the previous transaction's shard.
     */
    @ParameterizedTest
    @EnumSource(Protocol.class)
    void backToBackTransactionsAlternatingShardsEachGoToTheirOwnShard(Protocol protocol) throws SQLException {
        int rounds = 200;
        try (Connection router = cluster.connect(protocol)) {
            router.setAutoCommit(false);
            for (int i = 0; i < rounds; i++) {
                long key = i % 2 == 0 ? 5 : 1005;
                assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", key)).isEqualTo(1);
                router.commit();
            }
        }
        assertThat(cluster.onEachShard("SELECT string_agg(amount::text, ',' ORDER BY id) FROM orders"))
                .containsEntry("sh1", rounds / 2 + ",0,0,0")
                .containsEntry("sh2", "0,0," + rounds / 2 + ",0");
    }

    /**
     * In the extended protocol a batch is one Sync segment, one implicit transaction: it cannot span
     * shards, so it is refused whole and the session goes on.
     */
    @ParameterizedTest
    @EnumSource(value = Protocol.class, names = {"EXTENDED", "PREPARED"})
    void anExtendedBatchSpanningShardsIsRefusedWithoutWritingAnything(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            BatchUpdateException refused = catchThrowableOfType(BatchUpdateException.class,
                    () -> insertBatch(router, 700, 701, 1700, 1701));
            assertThat((Throwable) refused).isNotNull();
            SQLException cause = refused.getNextException() != null ? refused.getNextException() : refused;
            assertThat(cause.getSQLState()).as(cause.getMessage()).isEqualTo("0A000");
            assertThat(query(router, "SELECT 1")).isEqualTo("1");
        }
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE customer = 'batch'")).isEqualTo(cluster.everywhere("0"));
    }

    /** In the simple protocol each statement of a batch is a transaction of its own, on its own shard. */
    @Test
    void aSimpleProtocolBatchSpanningShardsRunsEachStatementOnItsShard() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            insertBatch(router, 700, 701, 1700, 1701);
        }
        assertThat(cluster.onEachShard("SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE customer = 'batch'"))
                .isEqualTo(cluster.only("sh1", "700,701", "1700,1701"));
    }

    private static void insertBatch(Connection router, long... ids) throws SQLException {
        try (PreparedStatement insert = router.prepareStatement("INSERT INTO orders (id, customer) VALUES (?, 'batch')")) {
            for (long id : ids) {
                insert.setLong(1, id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
