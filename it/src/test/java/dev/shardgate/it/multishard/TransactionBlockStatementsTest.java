package dev.shardgate.it.multishard;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.shardgate.it.multishard.ShardedCluster.column;
import static dev.shardgate.it.multishard.ShardedCluster.count;
import static dev.shardgate.it.multishard.ShardedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Inside a transaction block (psql's BEGIN, or pgjdbc with autocommit off, which then uses the
 * extended protocol), statements over several shards run within the client's transaction on each
 * shard: scatter reads see the block's own writes, and every write, DDL included, commits or rolls
 * back with the block, by two-phase commit or best effort.
 */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionBlockStatementsTest {
    private ShardedCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ShardedCluster.start(servers, "transaction_block", PoolMode.TRANSACTION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void noTables() throws SQLException {
        cluster.dropTables();
    }

    private Connection client(boolean simple, String strategy) throws SQLException {
        Connection client = cluster.connect(simple);
        execute(client, "SET __spqr__commit_strategy = '" + strategy + "'");
        execute(client, "SET __spqr__default_route_behaviour = ALLOW"); // keyless statements run on every shard
        return client;
    }

    private void ordersWithOneRowPerShard() throws SQLException {
        try (Connection client = cluster.connect(true)) {
            execute(client, "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int)");
            execute(client, "INSERT INTO orders (id, customer, qty) VALUES (1, 'a', 1), (1001, 'b', 2)");
        }
    }

    /** The shard's rows as id:qty, in id order, read directly on the shard. */
    private String rows(int shard) throws SQLException {
        return String.join(",", column(cluster.shard(shard), "SELECT id || ':' || qty FROM orders ORDER BY id"));
    }

    private long abortedBackends(int shard) throws SQLException {
        return count(cluster.shard(shard), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'idle in transaction (aborted)'");
    }

    private static int update(PreparedStatement statement, int... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setInt(i + 1, values[i]);
        }
        return statement.executeUpdate();
    }

    private static List<String> rows(PreparedStatement statement, int parameter) throws SQLException {
        statement.setInt(1, parameter);
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getString(2));
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "simple={0} end={1} strategy={2}")
    @CsvSource({
            "false, COMMIT, 2pc", "false, ROLLBACK, 2pc", "false, COMMIT, best_effort",
            "true, COMMIT, 2pc", "true, ROLLBACK, best_effort",
    })
    void splitInsertsKeylessWritesAndScatterReadsRunInsideTheBlock(boolean simple, String end, String strategy)
            throws SQLException {
        ordersWithOneRowPerShard();
        try (Connection client = client(simple, strategy)) {
            client.setAutoCommit(false);
            try (PreparedStatement insert = client.prepareStatement(
                         "INSERT INTO orders (id, customer, qty) VALUES (?, 'c', ?), (?, 'd', ?)");
                 PreparedStatement bump = client.prepareStatement("UPDATE orders SET qty = qty + ? WHERE qty < 100");
                 PreparedStatement totals = client.prepareStatement(
                         "SELECT customer, sum(qty) FROM orders WHERE qty > ? GROUP BY customer ORDER BY customer")) {
                for (int round = 2; round < 4; round++) { // the same named statements, Bind after Bind
                    assertThat(update(insert, round, round, 1000 + round, round)).isEqualTo(2);
                }
                for (int round = 4; round < 6; round++) { // a batch: its Binds come in one segment
                    insert.setInt(1, round);
                    insert.setInt(2, round);
                    insert.setInt(3, 1000 + round);
                    insert.setInt(4, round);
                    insert.addBatch();
                }
                assertThat(insert.executeBatch()).containsExactly(2, 2);
                assertThat(update(bump, 10)).isEqualTo(10);
                // the shards' own uncommitted rows are merged
                assertThat(rows(totals, 0)).containsExactly("a|11", "b|12", "c|54", "d|54");
            }
            execute(client, "DELETE FROM orders WHERE qty = 14");
            assertThat(column(client, "SELECT id FROM orders ORDER BY id DESC LIMIT 3")).containsExactly("1005", "1003", "1002");
            assertThat(rows(1)).as("nothing is visible outside the block yet").isEqualTo("1001:2");
            if (end.equals("COMMIT")) {
                client.commit();
            } else {
                client.rollback();
            }
            client.setAutoCommit(true);
            assertThat(column(client, "SELECT count(*) FROM orders")).containsExactly(end.equals("COMMIT") ? "8" : "2");
        }
        if (end.equals("COMMIT")) {
            assertThat(rows(0)).isEqualTo("1:11,2:12,3:13,5:15");
            assertThat(rows(1)).isEqualTo("1001:12,1002:12,1003:13,1005:15");
        } else {
            assertThat(rows(0)).isEqualTo("1:1");
            assertThat(rows(1)).isEqualTo("1001:2");
        }
        assertThat(count(cluster.shard(0), "SELECT count(*) FROM pg_prepared_xacts")).isZero();
    }

    @ParameterizedTest(name = "simple={0} end={1} strategy={2}")
    @CsvSource({
            "false, COMMIT, 2pc", "false, ROLLBACK, 2pc", "true, COMMIT, best_effort", "true, ROLLBACK, 2pc",
    })
    void ddlAndReferenceWritesRunOnEveryShardInsideTheBlock(boolean simple, String end, String strategy)
            throws SQLException {
        try (Connection client = client(simple, strategy)) {
            client.setAutoCommit(false);
            execute(client, "CREATE TABLE countries (code text PRIMARY KEY, name text)");
            execute(client, "INSERT INTO countries VALUES ('fr', 'France'), ('de', 'Germany')");
            try (PreparedStatement rename = client.prepareStatement("UPDATE countries SET name = upper(name) WHERE code = ?")) {
                rename.setString(1, "fr");
                assertThat(rename.executeUpdate()).isEqualTo(1);
            }
            execute(client, "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int)");
            execute(client, "ALTER TABLE orders ADD COLUMN country text");
            execute(client, "INSERT INTO orders (id, qty, country) VALUES (7, 1, 'fr'), (1007, 2, 'de')");
            // the block reads its own reference rows, and joins them on each shard
            assertThat(column(client, "SELECT name FROM countries ORDER BY code")).containsExactly("Germany", "FRANCE");
            assertThat(column(client, "SELECT o.id || c.name FROM orders o JOIN countries c ON c.code = o.country WHERE o.id = 1007"))
                    .containsExactly("1007Germany");
            assertThat(count(cluster.shard(1), "SELECT count(*) FROM pg_class WHERE relname = 'countries'"))
                    .as("the new table is not visible outside the block").isZero();
            execute(client, end);
        }
        for (int shard = 0; shard < 2; shard++) {
            long tables = count(cluster.shard(shard), "SELECT count(*) FROM pg_class WHERE relname IN ('countries', 'orders')");
            if (end.equals("COMMIT")) {
                assertThat(tables).isEqualTo(2);
                assertThat(column(cluster.shard(shard), "SELECT code || ':' || name FROM countries ORDER BY code"))
                        .containsExactly("de:Germany", "fr:FRANCE");
                assertThat(column(cluster.shard(shard), "SELECT id || ':' || country FROM orders"))
                        .containsExactly(shard == 0 ? "7:fr" : "1007:de");
            } else {
                assertThat(tables).as("rolled back on shard %d", shard).isZero();
            }
        }
    }

    @ParameterizedTest(name = "simple={0}")
    @ValueSource(booleans = {true, false})
    void aStatementFailingOnOneShardFailsTheTransactionOnEveryShard(boolean simple) throws SQLException {
        ordersWithOneRowPerShard();
        try (Connection client = client(simple, "2pc")) {
            client.setAutoCommit(false);
            execute(client, "UPDATE orders SET qty = 50 WHERE id = 1");
            SQLException division = catchThrowableOfType(SQLException.class,
                    () -> execute(client, "UPDATE orders SET qty = qty / (id - 1001)"));
            assertThat(division.getSQLState()).isEqualTo("22012");
            assertThat(abortedBackends(0)).as("sh1, where the statement succeeded, refuses too").isEqualTo(1);
            assertThat(abortedBackends(1)).isEqualTo(1);
            for (String sql : List.of("SELECT qty FROM orders WHERE id = 1", "SELECT qty FROM orders WHERE id = 1001",
                    "SELECT count(*) FROM orders", "INSERT INTO orders (id, customer, qty) VALUES (2, 'x', 1), (1002, 'y', 1)",
                    "CREATE TABLE countries (code text)")) {
                SQLException refused = catchThrowableOfType(SQLException.class, () -> execute(client, sql));
                assertThat(refused.getSQLState()).as(sql).isEqualTo("25P02");
            }
            client.rollback();
            client.setAutoCommit(true);
            assertThat(column(client, "SELECT qty FROM orders WHERE id = 1")).containsExactly("1");
        }
        assertThat(rows(0)).isEqualTo("1:1");
        assertThat(rows(1)).isEqualTo("1001:2");
        assertThat(count(cluster.shard(0), "SELECT count(*) FROM pg_class WHERE relname = 'countries'")).isZero();
        assertThat(abortedBackends(0) + abortedBackends(1)).isZero();
    }
}
