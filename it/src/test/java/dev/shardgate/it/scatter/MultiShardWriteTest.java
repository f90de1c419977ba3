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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static dev.shardgate.it.scatter.ScatterCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Writes over several shards, in SESSION pool mode (the session's own backend serves its shard's part):
 * the client sees one command tag with the shards' counts summed, and each shard holds its own rows.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiShardWriteTest {
    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "scatter_write",
                "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int)", PoolMode.SESSION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders");
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private String ids(int shard) throws SQLException {
        return String.join(",", answer(cluster.shard(shard), "SELECT string_agg(id || ':' || qty, ',' ORDER BY id) AS ids FROM orders")
                .subList(1, 2));
    }

    @Test
    void insertRowsAreRegroupedPerShard() throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, "SELECT id FROM orders WHERE id = 5")).containsExactly("id:int4"); // holds sh1's backend
            assertThat(update(router, "INSERT INTO orders (id, customer, qty) VALUES (1, 'a', 1), (1001, 'b', 2), (2, 'c', 3),"
                    + " (1500, 'd', 4)")).isEqualTo(4);
            assertThat(answer(router, "INSERT INTO orders (id, qty) VALUES (1002, 5), (3, 6) RETURNING id, qty * 10 AS ten"))
                    .containsExactly("id:int4|ten:int4", "3|60", "1002|50");
        }
        assertThat(ids(0)).isEqualTo("1:1,2:3,3:6");
        assertThat(ids(1)).isEqualTo("1001:2,1002:5,1500:4");
    }

    @Test
    void preparedInsertAndUpdateWithParametersSplitAcrossShards() throws SQLException {
        for (String threshold : new String[] {"0", "1"}) {
            cluster.onShardsAndReference("TRUNCATE orders");
            try (Connection router = cluster.connect("prepareThreshold", threshold)) {
                for (int round = 0; round < 3; round++) {
                    try (var insert = router.prepareStatement("INSERT INTO orders (id, customer, qty) VALUES (?, ?, ?), (?, ?, ?)")) {
                        insert.setInt(1, 10 + round);
                        insert.setString(2, "a");
                        insert.setInt(3, round);
                        insert.setInt(4, 1010 + round);
                        insert.setString(5, "b");
                        insert.setInt(6, round);
                        assertThat(insert.executeUpdate()).isEqualTo(2);
                    }
                }
                try (var update = router.prepareStatement("UPDATE orders SET qty = qty + ? WHERE qty >= ?")) {
                    update.setInt(1, 100);
                    update.setInt(2, 1);
                    assertThat(update.executeUpdate()).isEqualTo(4);
                }
            }
            assertThat(ids(0)).isEqualTo("10:0,11:101,12:102");
            assertThat(ids(1)).isEqualTo("1010:0,1011:101,1012:102");
        }
    }

    @Test
    void batchesOfMultiShardStatementsRunEachInTurn() throws SQLException {
        try (Connection router = cluster.connect("prepareThreshold", "1");
             var insert = router.prepareStatement("INSERT INTO orders (id, customer, qty) VALUES (?, 'x', 0), (?, 'y', 0)")) {
            for (int i = 0; i < 3; i++) {
                insert.setInt(1, 20 + i);
                insert.setInt(2, 1020 + i);
                insert.addBatch();
            }
            assertThat(insert.executeBatch()).containsExactly(2, 2, 2);
            try (var update = router.prepareStatement("UPDATE orders SET qty = qty + ? WHERE customer = ?")) {
                update.setInt(1, 5);
                update.setString(2, "x");
                update.addBatch();
                update.setInt(1, 7);
                update.setString(2, "y");
                update.addBatch();
                assertThat(update.executeBatch()).containsExactly(3, 3);
            }
        }
        assertThat(ids(0)).isEqualTo("20:5,21:5,22:5");
        assertThat(ids(1)).isEqualTo("1020:7,1021:7,1022:7");
    }

    @Test
    void keylessUpdateAndDeleteRunOnEveryShardWithSummedCounts() throws SQLException {
        ScatterCluster.execute(cluster.shard(0), "INSERT INTO orders VALUES (1, 'a', 1), (2, 'b', 2), (3, 'a', 3)");
        ScatterCluster.execute(cluster.shard(1), "INSERT INTO orders VALUES (1001, 'a', 1), (1002, 'a', 2)");
        try (Connection router = cluster.connect()) {
            assertThat(update(router, "UPDATE orders SET qty = qty + 10 WHERE customer = 'a'")).isEqualTo(4);
            assertThat(update(router, "UPDATE orders SET qty = 0 WHERE id IN (2, 1002)")).isEqualTo(2);
            assertThat(answer(router, "UPDATE orders SET qty = qty + 1 WHERE id IN (1, 1001) RETURNING id"))
                    .containsExactly("id:int4", "1", "1001");
            assertThat(ids(0)).isEqualTo("1:12,2:0,3:13");
            assertThat(ids(1)).isEqualTo("1001:12,1002:0");
            assertThat(update(router, "DELETE FROM orders WHERE qty > 11")).isEqualTo(3);
            assertThat(answer(router, "SELECT id FROM orders WHERE id = 2")).containsExactly("id:int4", "2");
        }
        assertThat(ids(0)).isEqualTo("2:0");
        assertThat(ids(1)).isEqualTo("1002:0");
    }

    @Test
    void aShardErrorReachesTheClientAndNoShardKeepsItsPart() throws SQLException {
        ScatterCluster.execute(cluster.shard(0), "INSERT INTO orders VALUES (1, 'a', 1)");
        try (Connection router = cluster.connect()) {
            SQLException duplicate = catchThrowableOfType(SQLException.class,
                    () -> update(router, "INSERT INTO orders (id, qty) VALUES (1, 7), (1001, 7)"));
            assertThat(duplicate.getSQLState()).isEqualTo("23505");
            assertThat(update(router, "UPDATE orders SET qty = 9")).isEqualTo(1);
        }
        // each shard ran its part in a transaction, committed only when every shard succeeded
        assertThat(ids(0)).isEqualTo("1:9");
        assertThat(ids(1)).isEqualTo("∅");
    }

    @Test
    void insideATransactionAMultiShardWriteRunsInItAndRollsBack() throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(update(router, "INSERT INTO orders (id, customer, qty) VALUES (1, 'a', 1), (1001, 'b', 2)")).isEqualTo(2);
            router.setAutoCommit(false);
            assertThat(update(router, "DELETE FROM orders")).isEqualTo(2);
            router.rollback();
        }
        assertThat(ids(0)).isEqualTo("1:1");
        assertThat(ids(1)).isEqualTo("1001:2");
    }

    @Test
    void keylessAndSplitWritesWaitWhileARangeIsLocked() throws Exception {
        cluster.insertDirectly(1005, "INSERT INTO orders (id, customer, qty) VALUES (1005, 'b', 0)");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection console = cluster.console(); Connection first = cluster.connect(); Connection second = cluster.connect()) {
            // A locked range may be half moved: its rows on two shards at once. Statements that may
            // touch it wait, as keyed ones do, instead of reading or writing both copies.
            execute(console, "LOCK KEY RANGE kr2");
            Future<Integer> keyless = pool.submit(() -> update(first, "UPDATE orders SET qty = qty + 1"));
            Future<Integer> split = pool.submit(() -> update(second, "INSERT INTO orders (id, customer, qty) VALUES (7, 'a', 0), (1007, 'b', 0)"));
            Thread.sleep(700);
            assertThat(keyless.isDone()).as("keyless UPDATE waits while kr2 is locked").isFalse();
            assertThat(split.isDone()).as("split INSERT waits while kr2 is locked").isFalse();
            execute(console, "UNLOCK KEY RANGE kr2");
            // Either order once unlocked: the UPDATE sees the two new rows (3 + 2) or not (1 + 2); each
            // shard has its own snapshot (no distributed snapshot), and the INSERT commits shard by shard,
            // so the UPDATE may also see the new row of one shard only (2 + 2).
            assertThat(keyless.get(10, TimeUnit.SECONDS) + split.get(10, TimeUnit.SECONDS)).isIn(3, 4, 5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ids(0)).matches("7:[01]");
        assertThat(ids(1)).matches("1005:1,1007:[01]");
    }
}
