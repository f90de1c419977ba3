package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ranges and lists of keys (BETWEEN, {@code <}, {@code >=}, IN, {@code = ANY(ARRAY[…])}, OR of these)
 * run on exactly the shards whose key ranges they meet. Every shard holds a copy of the same rows
 * marked with its own name ({@link Orders#mirror}), so the rows a statement returns name the shards
 * it ran on.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRangeRoutingTest {
    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_key_ranges").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void mirrorRows() throws SQLException {
        Orders.mirror(cluster);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aRangeWithinOneShardRunsThereUnderBlock(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            assertThat(query(router, "SELECT customer, id FROM orders WHERE id BETWEEN ? AND ? ORDER BY id", 1, 999))
                    .isEqualTo("sh1|5\nsh1|6");
            assertThat(query(router, "SELECT customer, id FROM orders WHERE id >= ? ORDER BY id", 1000L))
                    .isEqualTo("sh2|1005\nsh2|1006");
            assertThat(query(router, "SELECT customer, id FROM orders WHERE id = ANY(ARRAY[6, 900]) OR id < 3 ORDER BY id"))
                    .isEqualTo("sh1|6");
            assertThat(query(router, "SELECT customer, id FROM orders WHERE id > 999.5 AND id < 1005.5 ORDER BY id"))
                    .isEqualTo("sh2|1005");
            assertThat(query(router, "UPDATE orders SET amount = 7 WHERE id > 1000 AND id <= 1005 RETURNING customer, id"))
                    .isEqualTo("sh2|1005");
        }
        assertThat(cluster.on("sh1", "SELECT count(*) FROM orders WHERE amount = 7")).isEqualTo("0");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aRangeOverSeveralShardsIsRefusedUnderBlockNamingThem(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            SQLException refused = error(router, "SELECT customer, id FROM orders WHERE id > ?", 5);
            assertThat(refused.getSQLState()).isEqualTo("0A000");
            assertThat(refused.getMessage()).contains("orders").contains("sh1, sh2");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void underAllowARangeRunsOnTheShardsItMeetsOnly(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            execute(router, "SET __spqr__default_route_behaviour = ALLOW");
            // each shard holds 5, 6, 1005 and 1006: a shard that runs the statement counts its copies
            assertThat(query(router, "SELECT count(*) FROM orders WHERE id > ?", 5)).isEqualTo("6");
            assertThat(query(router, "SELECT count(*) FROM orders WHERE id BETWEEN 1000 AND 5000")).isEqualTo("2");
            assertThat(query(router, "SELECT count(*) FROM orders WHERE id IN (5, 900) OR id = 6")).isEqualTo("2");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void explainRouteShowsTheRangesMet(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            assertThat(query(router, "EXPLAIN ROUTE SELECT * FROM orders WHERE id BETWEEN 10 AND 20"))
                    .isEqualTo("sh1|orders.id in [10, 20] → kr1 (sh1)");
            assertThat(query(router, "EXPLAIN ROUTE SELECT * FROM orders WHERE id < 10 OR id >= 1990"))
                    .startsWith("(refused)|").contains("kr1 (sh1), kr2 (sh2)").doesNotContain("\n");
            execute(router, "SET __spqr__default_route_behaviour = ALLOW");
            assertThat(query(router, "EXPLAIN ROUTE SELECT * FROM orders WHERE id < 10 OR id >= 1990"))
                    .matches("(?s)sh1\\|orders.id in \\(-∞, 9\\] ∪ \\[1990, \\+∞\\) → kr1 \\(sh1\\), kr2 \\(sh2\\).*\nsh2\\|.*");
        }
    }
}
