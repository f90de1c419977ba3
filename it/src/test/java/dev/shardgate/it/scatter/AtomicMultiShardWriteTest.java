package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static dev.shardgate.it.scatter.ScatterCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * One write statement over several shards outside a transaction block is one transaction, as on one
 * server: when it fails on one shard, no shard keeps its part. Under {@code 2pc} even a failure at
 * commit time (a deferred constraint) leaves no shard changed; under best_effort only that case —
 * a COMMIT failing after another shard's succeeded — remains, and the error names the shard that committed.
 */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AtomicMultiShardWriteTest {
    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "atomic_write", "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int,"
                + " CONSTRAINT one_order_per_customer UNIQUE (customer) DEFERRABLE INITIALLY DEFERRED)", PoolMode.TRANSACTION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders");
        cluster.insertDirectly(1, "INSERT INTO orders VALUES (1, 'a', 1)");
        cluster.insertDirectly(1001, "INSERT INTO orders VALUES (1001, 'z', 1)");
    }

    private List<String> rowsOf(int shard) throws SQLException {
        return answer(cluster.shard(shard), "SELECT id, customer, qty FROM orders ORDER BY id");
    }

    private static List<String> prepared(Connection shard) throws SQLException {
        return answer(shard, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()");
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private void assertUnchanged() throws SQLException {
        assertThat(rowsOf(0)).containsExactly("id:int4|customer:text|qty:int4", "1|a|1");
        assertThat(rowsOf(1)).containsExactly("id:int4|customer:text|qty:int4", "1001|z|1");
        assertThat(prepared(cluster.shard(0))).containsExactly("gid:text");
        assertThat(prepared(cluster.shard(1))).containsExactly("gid:text");
    }

    @Test
    void aStatementFailingOnOneShardChangesNoShardUnderEitherStrategy() throws SQLException {
        for (String strategy : new String[] {"best_effort", "2pc"}) {
            for (String threshold : new String[] {"0", "1"}) {
                try (Connection router = cluster.connect("prepareThreshold", threshold)) {
                    execute(router, "SET __spqr__commit_strategy = '" + strategy + "'");
                    // the second shard fails after the first did its part
                    SQLException division = catchThrowableOfType(SQLException.class,
                            () -> update(router, "UPDATE orders SET qty = qty + 10 / (id - 1001)"));
                    assertThat(division.getSQLState()).as(strategy).isEqualTo("22012");
                    // the first shard fails: the second's row is not kept
                    SQLException duplicate = catchThrowableOfType(SQLException.class,
                            () -> update(router, "INSERT INTO orders (id, customer, qty) VALUES (1002, 'b', 7), (1, 'c', 7)"));
                    assertThat(duplicate.getSQLState()).as(strategy).isEqualTo("23505");
                    try (PreparedStatement insert = router.prepareStatement(
                            "INSERT INTO orders (id, customer, qty) VALUES (?, ?, 1), (?, ?, 1)")) {
                        insert.setInt(1, 2);
                        insert.setString(2, "b");
                        insert.setInt(3, 1001);
                        insert.setString(4, "c");
                        assertThat(catchThrowableOfType(SQLException.class, insert::executeUpdate).getSQLState()).isEqualTo("23505");
                    }
                    SQLException delete = catchThrowableOfType(SQLException.class,
                            () -> update(router, "DELETE FROM orders WHERE 1 / (id - 1) > 0 OR id = 1001"));
                    assertThat(delete.getSQLState()).as(strategy).isEqualTo("22012");
                }
                assertUnchanged();
            }
        }
    }

    @Test
    void underTwoPhaseCommitAFailureAtCommitTimeLeavesNoShardChanged() throws SQLException {
        try (Connection router = cluster.connect()) {
            execute(router, "SET __spqr__commit_strategy = '2pc'");
            // sh1 takes its row; sh2's deferred unique check fails when it is prepared
            SQLException failed = catchThrowableOfType(SQLException.class,
                    () -> update(router, "INSERT INTO orders (id, customer, qty) VALUES (5, 'q', 1), (1005, 'z', 1)"));
            assertThat(failed.getSQLState()).isEqualTo("23505");
            assertThat(failed.getMessage()).contains("sh2");
            assertThat(update(router, "UPDATE orders SET qty = qty + 1")).isEqualTo(2);
        }
        assertThat(rowsOf(0)).containsExactly("id:int4|customer:text|qty:int4", "1|a|2");
        assertThat(rowsOf(1)).containsExactly("id:int4|customer:text|qty:int4", "1001|z|2");
        assertThat(prepared(cluster.shard(0))).containsExactly("gid:text");
        assertThat(prepared(cluster.shard(1))).containsExactly("gid:text");
    }

    @Test
    void aCopyOverSeveralShardsCommitsAllOrNothingUnderTwoPhaseCommit() throws Exception {
        try (Connection router = cluster.connect()) {
            execute(router, "SET __spqr__commit_strategy = '2pc'");
            var copy = new org.postgresql.copy.CopyManager(router.unwrap(org.postgresql.core.BaseConnection.class));
            // sh2's deferred unique check fails when it is prepared: sh1's rows go too
            SQLException failed = catchThrowableOfType(SQLException.class,
                    () -> copy.copyIn("COPY orders (id, customer, qty) FROM STDIN", new java.io.StringReader("7\tr\t1\n1007\tz\t1\n")));
            assertThat(failed.getSQLState()).isEqualTo("23505");
            assertThat(copy.copyIn("COPY orders (id, customer, qty) FROM STDIN", new java.io.StringReader("7\tr\t1\n1007\ts\t1\n")))
                    .isEqualTo(2);
        }
        assertThat(rowsOf(0)).containsExactly("id:int4|customer:text|qty:int4", "1|a|1", "7|r|1");
        assertThat(rowsOf(1)).containsExactly("id:int4|customer:text|qty:int4", "1001|z|1", "1007|s|1");
        assertThat(prepared(cluster.shard(0))).containsExactly("gid:text");
        assertThat(prepared(cluster.shard(1))).containsExactly("gid:text");
    }

    @Test
    void underBestEffortAFailingCommitAfterAnotherShardCommittedNamesThatShard() throws SQLException {
        try (Connection router = cluster.connect()) {
            SQLException failed = catchThrowableOfType(SQLException.class,
                    () -> update(router, "INSERT INTO orders (id, customer, qty) VALUES (5, 'q', 1), (1005, 'z', 1)"));
            assertThat(failed.getSQLState()).isEqualTo("23505");
            assertThat(failed.getMessage()).contains("shards sh1 had committed already");
        }
        // the documented risk of best_effort: sh1 kept its row
        assertThat(rowsOf(0)).containsExactly("id:int4|customer:text|qty:int4", "1|a|1", "5|q|1");
        assertThat(rowsOf(1)).containsExactly("id:int4|customer:text|qty:int4", "1001|z|1");
    }
}
