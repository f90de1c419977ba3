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

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPQR's routing hints: {@code /*__spqr__sharding_key: k*}{@code /} comments, and the session hints
 * {@code __spqr__sharding_key}, {@code __spqr__execute_on} and {@code __spqr__default_route_behaviour}.
 * The distribution's default shard is sh2, so a keyless statement allowed to run is told apart from
 * one merely sent to the first shard.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HintRoutingTest {
    private RoutedShards cluster;
    private String sh1Port;
    private String sh2Port;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_hints").schema(Orders.SCHEMA).initSql("orders_default_shard.sql").start();
        sh1Port = Integer.toString(cluster.serverPort("sh1"));
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

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void shardingKeyCommentRoutesAStatementWithoutKey(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            assertThat(query(router, "/*__spqr__sharding_key: 1500*/ SELECT inet_server_port()")).isEqualTo(sh2Port);
            assertThat(query(router, "/*__spqr__sharding_key: 5*/ SELECT inet_server_port()")).isEqualTo(sh1Port);
            assertThat(query(router, "/*__spqr__sharding_key: 1005*/ SELECT DISTINCT customer FROM orders")).isEqualTo("sh2");
            assertThat(query(router, "/* __spqr__sharding_key: 6 */ SELECT DISTINCT customer FROM orders")).isEqualTo("sh1");
            assertThat(update(router, "/*__spqr__sharding_key: 1005*/ UPDATE orders SET amount = 1")).isEqualTo(4);
        }
        assertThat(cluster.onEachShard("SELECT sum(amount) FROM orders")).isEqualTo(cluster.only("sh2", "4", "0"));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void sessionShardingKeyRoutesUntilReset(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            execute(router, "SET __spqr__sharding_key = 1005");
            assertThat(query(router, "SELECT inet_server_port()")).isEqualTo(sh2Port);
            assertThat(query(router, "SELECT DISTINCT customer FROM orders")).isEqualTo("sh2");
            assertThat(query(router, "SHOW __spqr__sharding_key")).isEqualTo("1005");
            execute(router, "SET __spqr__sharding_key = 5");
            assertThat(query(router, "SELECT DISTINCT customer FROM orders")).isEqualTo("sh1");
            execute(router, "RESET __spqr__sharding_key");
            assertThat(error(router, "SELECT DISTINCT customer FROM orders").getSQLState()).isEqualTo("0A000");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void executeOnSendsEverythingToTheNamedShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            execute(router, "SET __spqr__execute_on = sh2");
            assertThat(query(router, "SELECT inet_server_port()")).isEqualTo(sh2Port);
            assertThat(query(router, "SHOW __spqr__execute_on")).isEqualTo("sh2");
            assertThat(query(router, "SELECT count(*), min(customer) FROM orders")).isEqualTo("4|sh2");
            execute(router, "SET __spqr__execute_on = sh1");
            assertThat(query(router, "SELECT inet_server_port()")).isEqualTo(sh1Port);
            execute(router, "SET __spqr__execute_on = sh9");
            SQLException unknown = error(router, "SELECT 1");
            assertThat(unknown.getSQLState()).isEqualTo("42704");
            assertThat(unknown.getMessage()).contains("sh9");
            execute(router, "RESET __spqr__execute_on");
            assertThat(query(router, "SELECT 1")).isEqualTo("1");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void allowRunsKeylessStatementsOnTheDefaultShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            assertThat(error(router, "UPDATE orders SET amount = 7").getSQLState()).isEqualTo("0A000");
            execute(router, "SET __spqr__default_route_behaviour = ALLOW");
            assertThat(query(router, "SHOW __spqr__default_route_behaviour")).isEqualTo("ALLOW");
            assertThat(query(router, "SELECT DISTINCT customer, inet_server_port() FROM orders")).isEqualTo("sh2|" + sh2Port);
            assertThat(update(router, "UPDATE orders SET amount = 7")).isEqualTo(4);
            execute(router, "SET __spqr__default_route_behaviour = BLOCK");
            assertThat(error(router, "UPDATE orders SET amount = 8").getSQLState()).isEqualTo("0A000");
            assertThat(error(router, "SET __spqr__default_route_behaviour = MAYBE").getSQLState()).isEqualTo("22023");
            assertThat(error(router, "SET __spqr__no_such_hint = 1").getSQLState()).isEqualTo("42704");
        }
        assertThat(cluster.onEachShard("SELECT sum(amount) FROM orders")).isEqualTo(cluster.only("sh2", "28", "0"));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void keysOutsideEveryRangeGoToTheDefaultShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            assertThat(update(router, "INSERT INTO orders (id, customer) VALUES (?, 'negative')", -5L)).isEqualTo(1);
            assertThat(query(router, "SELECT customer, inet_server_port() FROM orders WHERE id = -5"))
                    .isEqualTo("negative|" + sh2Port);
        }
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = -5")).isEqualTo(cluster.only("sh2", "1", "0"));
    }

    @Test
    void psqlSetsAndShowsHints() {
        ProcessResult run = cluster.psql().script("""
                SET __spqr__execute_on = sh2;
                SHOW __spqr__execute_on;
                SELECT inet_server_port();
                RESET __spqr__execute_on;
                /*__spqr__sharding_key: 7*/ SELECT inet_server_port();
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("SET\nsh2\n" + sh2Port + "\nRESET\n" + sh1Port + "\n");
    }
}
