package dev.shardgate.it.multishard;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.shardgate.it.multishard.ShardedCluster.column;
import static dev.shardgate.it.multishard.ShardedCluster.count;
import static dev.shardgate.it.multishard.ShardedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * DDL on distributed and reference relations, and writes to reference relations, run on every shard
 * through the router under BLOCK; each shard runs them in a transaction of its own, committed only
 * when all succeeded.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EveryShardStatementsTest {
    private ShardedCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ShardedCluster.start(servers, "every_shard", PoolMode.TRANSACTION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void noTables() throws SQLException {
        cluster.dropTables();
    }

    private long tablesNamed(int shard, String name) throws SQLException {
        return count(cluster.shard(shard), "SELECT count(*) FROM pg_class WHERE relname = '" + name + "'");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void schemaOfADistributedRelationChangesOnEveryShard(boolean simple) throws SQLException {
        try (Connection router = cluster.connect(simple)) {
            // attached in the metadata first, then created: the SPQR order
            execute(router, "CREATE TABLE orders (id int PRIMARY KEY, qty int)");
            execute(router, "CREATE INDEX orders_qty ON orders (qty)");
            execute(router, "ALTER TABLE orders ADD COLUMN note text");
            execute(router, "INSERT INTO orders (id, qty, note) VALUES (1, 1, 'a'), (1001, 2, 'b')");
            for (int shard = 0; shard < 2; shard++) {
                assertThat(tablesNamed(shard, "orders_qty")).isEqualTo(1);
                assertThat(column(cluster.shard(shard), "SELECT note FROM orders")).hasSize(1);
            }
            try (Statement statement = router.createStatement()) {
                assertThat(statement.executeUpdate("TRUNCATE orders")).isZero();
            }
            for (int shard = 0; shard < 2; shard++) {
                assertThat(count(cluster.shard(shard), "SELECT count(*) FROM orders")).isZero();
            }
            execute(router, "DROP TABLE orders");
        }
        assertThat(tablesNamed(0, "orders") + tablesNamed(1, "orders")).isZero();
    }

    @Test
    void aShardsFailureNamesItAndNoShardKeepsTheChange() throws SQLException {
        execute(cluster.shard(1), "CREATE TABLE orders (id int)");
        try (Connection router = cluster.connect(true)) {
            SQLException error = catchThrowableOfType(SQLException.class,
                    () -> execute(router, "CREATE TABLE orders (id int PRIMARY KEY, qty int)"));
            assertThat(error.getSQLState()).isEqualTo("42P07");
            assertThat(error.getMessage()).contains("shard \"sh2\": relation \"orders\" already exists");
            assertThat(column(router, "SELECT 1")).containsExactly("1"); // the session goes on
        }
        assertThat(tablesNamed(0, "orders")).as("sh1 rolled back").isZero();
    }

    @Test
    void createIndexConcurrentlyRunsOutsideATransactionOnEveryShard() throws SQLException {
        try (Connection router = cluster.connect(true)) {
            execute(router, "CREATE TABLE orders (id int PRIMARY KEY, qty int)");
            execute(router, "CREATE INDEX CONCURRENTLY orders_qty ON orders (qty)");
        }
        assertThat(tablesNamed(0, "orders_qty") + tablesNamed(1, "orders_qty")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void referenceRelationWritesGoToEveryCopyAndReadsToOne(boolean simple) throws SQLException {
        try (Connection router = cluster.connect(simple); Statement statement = router.createStatement()) {
            execute(router, "CREATE TABLE countries (code text PRIMARY KEY, name text)");
            assertThat(statement.executeUpdate("INSERT INTO countries VALUES ('fr', 'France'), ('de', 'Germany')")).isEqualTo(2);
            assertThat(statement.executeUpdate("UPDATE countries SET name = upper(name)")).isEqualTo(2);
            assertThat(column(router, "INSERT INTO countries VALUES ('it', 'Italy') RETURNING code")).containsExactly("it");
            assertThat(statement.executeUpdate("DELETE FROM countries WHERE code = 'de'")).isEqualTo(1);
            assertThat(column(router, "SELECT name FROM countries ORDER BY code")).containsExactly("FRANCE", "Italy");
        }
        for (int shard = 0; shard < 2; shard++) {
            assertThat(column(cluster.shard(shard), "SELECT code || ':' || name FROM countries ORDER BY code"))
                    .containsExactly("fr:FRANCE", "it:Italy");
        }
    }

    @Test
    void copiesThatDisagreeAreReportedAndNothingIsCommitted() throws SQLException {
        try (Connection router = cluster.connect(true)) {
            execute(router, "CREATE TABLE countries (code text PRIMARY KEY, name text)");
            execute(router, "INSERT INTO countries VALUES ('fr', 'France')");
            execute(cluster.shard(1), "INSERT INTO countries VALUES ('es', 'Spain')"); // behind the router's back
            SQLException error = catchThrowableOfType(SQLException.class, () -> execute(router, "UPDATE countries SET name = 'x'"));
            assertThat(error.getMessage()).contains("shards \"sh1\" and \"sh2\"").contains("UPDATE 1 versus UPDATE 2");
        }
        assertThat(column(cluster.shard(0), "SELECT name FROM countries")).containsExactly("France");
    }
}
