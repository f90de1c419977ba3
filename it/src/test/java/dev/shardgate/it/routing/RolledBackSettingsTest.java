package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Session state set inside a transaction block follows PostgreSQL's SET: a ROLLBACK (or the
 * ROLLBACK a failed block ends with, or COMMIT of a failed block) undoes it, ROLLBACK TO undoes what
 * came after the savepoint, COMMIT keeps it, and SET LOCAL ends with the block. This holds for the
 * {@code __spqr__} hints (where statements go) and for the settings the router replays on the
 * backends it shares between clients (TRANSACTION pooling, one backend per shard here).
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolledBackSettingsTest {
    private static final String DEFAULT_SEARCH_PATH = "\"$user\", public";
    /** No key: the session's __spqr__sharding_key says where it goes. */
    private static final String WHERE = "SELECT DISTINCT customer FROM orders";

    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_rolled_back")
                .schema(Orders.SCHEMA + """
                        DROP SCHEMA IF EXISTS myschema CASCADE;
                        CREATE SCHEMA myschema;
                        ALTER TABLE items ADD CONSTRAINT one_qty_per_order UNIQUE (order_id, qty) DEFERRABLE INITIALLY DEFERRED;
                        """)
                .initSql(Orders.init(2))
                .connectionLimit(1)
                .start();
        Orders.mirror(cluster);
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aShardingKeySetInARolledBackBlockIsUndone(Protocol protocol) throws SQLException {
        try (Connection a = cluster.connect(protocol)) {
            execute(a, "SET __spqr__sharding_key = 5");
            execute(a, "BEGIN");
            execute(a, "SET __spqr__sharding_key = 1005");
            assertThat(query(a, WHERE)).isEqualTo("sh2");
            execute(a, "ROLLBACK");
            assertThat(query(a, WHERE)).as("after ROLLBACK").isEqualTo("sh1");
            assertThat(query(a, "SHOW __spqr__sharding_key")).isEqualTo("5");

            // rolled back before any statement used a shard
            execute(a, "BEGIN");
            execute(a, "SET __spqr__sharding_key = 1005");
            execute(a, "ROLLBACK");
            assertThat(query(a, WHERE)).isEqualTo("sh1");

            // a failed block: its ROLLBACK, or its COMMIT (which rolls back), undoes the SET
            for (String end : new String[] {"ROLLBACK", "COMMIT"}) {
                execute(a, "BEGIN");
                execute(a, "SET __spqr__sharding_key = 1005");
                assertThat(catchThrowableOfType(SQLException.class, () -> query(a, "SELECT 1 / 0 FROM orders")).getSQLState())
                        .isEqualTo("22012");
                execute(a, end);
                assertThat(query(a, WHERE)).as("after a failed block's %s", end).isEqualTo("sh1");
            }

            // ROLLBACK TO undoes what came after the savepoint only
            execute(a, "BEGIN");
            execute(a, "SET __spqr__commit_strategy = '2pc'");
            execute(a, "SAVEPOINT s");
            execute(a, "SET __spqr__sharding_key = 1005");
            execute(a, "ROLLBACK TO SAVEPOINT s");
            assertThat(query(a, WHERE)).as("after ROLLBACK TO").isEqualTo("sh1");
            execute(a, "COMMIT");
            assertThat(query(a, "SHOW __spqr__commit_strategy")).isEqualTo("2pc");

            // SET LOCAL lasts until the block ends
            execute(a, "BEGIN");
            execute(a, "SET LOCAL __spqr__sharding_key = 1005");
            assertThat(query(a, WHERE)).isEqualTo("sh2");
            execute(a, "COMMIT");
            assertThat(query(a, WHERE)).as("after SET LOCAL's block").isEqualTo("sh1");

            // a block over two shards whose COMMIT fails (a deferred check on sh2) rolled back: so did its SET
            execute(a, "BEGIN");
            assertThat(query(a, "SELECT customer FROM orders WHERE id = ?", 5L)).isEqualTo("sh1");
            execute(a, "SET __spqr__sharding_key = 1005");
            execute(a, "INSERT INTO items (order_id, sku, qty) VALUES (1005, 'c', 1)");
            assertThat(catchThrowableOfType(SQLException.class, () -> execute(a, "COMMIT")).getSQLState()).isEqualTo("23505");
            assertThat(query(a, WHERE)).as("after a failed COMMIT").isEqualTo("sh1");

            // a committed SET stays
            execute(a, "BEGIN");
            execute(a, "SET __spqr__sharding_key = 1005");
            execute(a, "COMMIT");
            assertThat(query(a, WHERE)).isEqualTo("sh2");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void pgjdbcsRollbackWithAutocommitOffUndoesTheHint(Protocol protocol) throws SQLException {
        try (Connection a = cluster.connect(protocol)) {
            execute(a, "SET __spqr__sharding_key = 5");
            a.setAutoCommit(false);
            execute(a, "SET __spqr__sharding_key = 1005"); // pgjdbc sends its BEGIN in front of this
            assertThat(query(a, WHERE)).isEqualTo("sh2");
            a.rollback();
            assertThat(query(a, WHERE)).as("after rollback()").isEqualTo("sh1");
            a.rollback();
            execute(a, "SET __spqr__sharding_key = 1005");
            a.commit();
            a.setAutoCommit(true);
            assertThat(query(a, WHERE)).as("after commit()").isEqualTo("sh2");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aSearchPathSetInARolledBackBlockIsNeitherKeptNorReplayed(Protocol protocol) throws SQLException {
        String sql = "SELECT current_setting('search_path'), customer FROM orders WHERE id = ?";
        try (Connection a = cluster.connect(protocol); Connection b = cluster.connect(protocol)) {
            for (String first : new String[] {"SELECT 1", "SELECT customer FROM orders WHERE id = 1005"}) {
                // the SET before the block has a shard (replayed on it with BEGIN), then after
                execute(a, "BEGIN");
                execute(a, "SET search_path TO myschema, public");
                query(a, first); // on the shared backend of sh1, or (keyed) of sh2
                execute(a, "ROLLBACK");
                execute(a, "BEGIN");
                query(a, first);
                execute(a, "SET search_path TO myschema, public");
                execute(a, "ROLLBACK");
                for (long key : new long[] {5L, 1005L}) {
                    String shard = key < 1000 ? "sh1" : "sh2";
                    assertThat(query(a, sql, key)).as("A after %s", first).isEqualTo(DEFAULT_SEARCH_PATH + "|" + shard);
                    assertThat(query(b, sql, key)).as("B after %s", first).isEqualTo(DEFAULT_SEARCH_PATH + "|" + shard);
                }
            }

            execute(a, "BEGIN");
            query(a, "SELECT customer FROM orders WHERE id = 1005");
            execute(a, "SAVEPOINT s");
            execute(a, "SET search_path TO myschema, public");
            execute(a, "ROLLBACK TO s");
            execute(a, "SET LOCAL statement_timeout = '7s'");
            execute(a, "COMMIT");
            assertThat(query(a, sql, 1005L)).isEqualTo(DEFAULT_SEARCH_PATH + "|sh2");
            assertThat(query(a, "SELECT current_setting('statement_timeout') FROM orders WHERE id = ?", 1005L)).isEqualTo("0");

            // the router cannot undo a SET the same query string rolls back: it refuses the string
            if (protocol == Protocol.SIMPLE) {
                SQLException refused = catchThrowableOfType(SQLException.class,
                        () -> execute(a, "BEGIN; SET search_path TO myschema, public; ROLLBACK"));
                assertThat(refused.getSQLState()).isEqualTo("0A000");
                assertThat(refused.getMessage()).contains("SET or RESET followed by ROLLBACK in one query string");
                assertThat(query(a, sql, 1005L)).isEqualTo(DEFAULT_SEARCH_PATH + "|sh2");
            }

            // pgjdbc with autocommit off: its BEGIN goes in the segment of the SET
            a.setAutoCommit(false);
            execute(a, "SET search_path TO myschema, public");
            assertThat(query(a, sql, 5L)).isEqualTo("myschema, public|sh1");
            a.rollback();
            a.setAutoCommit(true);
            for (long key : new long[] {5L, 1005L}) {
                String shard = key < 1000 ? "sh1" : "sh2";
                assertThat(query(a, sql, key)).as("after rollback()").isEqualTo(DEFAULT_SEARCH_PATH + "|" + shard);
                assertThat(query(b, sql, key)).isEqualTo(DEFAULT_SEARCH_PATH + "|" + shard);
            }

            // committed: A keeps it on every shard, B never sees it
            execute(a, "BEGIN");
            execute(a, "SET search_path TO myschema, public");
            execute(a, "COMMIT");
            for (long key : new long[] {5L, 1005L}) {
                String shard = key < 1000 ? "sh1" : "sh2";
                assertThat(query(a, sql, key)).isEqualTo("myschema, public|" + shard);
                assertThat(query(b, sql, key)).isEqualTo(DEFAULT_SEARCH_PATH + "|" + shard);
            }
        }
    }
}
