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
import java.sql.Connection;
import java.sql.SQLException;

import static dev.shardgate.it.routing.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;

/** EXPLAIN ROUTE answers (shard, reason) rows and runs nothing. */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExplainRouteTest {
    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_explain").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
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
    void explainsWithoutRunning(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            assertThat(query(router, "EXPLAIN ROUTE DELETE FROM orders WHERE id = 1005"))
                    .startsWith("sh2|").contains("1005");
            assertThat(query(router, "EXPLAIN ROUTE INSERT INTO orders (id, customer) VALUES (1700, 'x')"))
                    .startsWith("sh2|").contains("1700");
            assertThat(query(router, "EXPLAIN ROUTE UPDATE orders SET amount = 1 WHERE id IN (5, 1005)"))
                    .matches("(?s)sh1\\|.*\nsh2\\|.*");
            assertThat(query(router, "EXPLAIN ROUTE SELECT * FROM orders"))
                    .startsWith("(refused)|").contains("id").contains("orders");
            assertThat(query(router, "EXPLAIN ROUTE SELECT 1")).startsWith("any|");
            assertThat(query(router, "EXPLAIN ROUTE /*__spqr__sharding_key: 1500*/ SELECT count(*) FROM orders"))
                    .startsWith("sh2|");
        }
        assertThat(cluster.onEachShard("SELECT count(*) || ':' || sum(amount) FROM orders")).isEqualTo(cluster.everywhere("4:0"));
    }

    @Test
    void psqlShowsTheRouteWithColumnNames() {
        ProcessResult run = cluster.psql().script("\\pset tuples_only off\nEXPLAIN ROUTE DELETE FROM orders WHERE id = 6;\n");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).startsWith("shard|reason\nsh1|").endsWith("(1 row)\n");
        assertThat(run.stdout()).contains("6");
    }
}
