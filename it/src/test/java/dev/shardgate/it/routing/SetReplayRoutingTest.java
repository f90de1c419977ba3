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
 * TRANSACTION pooling with one backend per shard for two clients: a client's SET of a parameter the
 * server does not report (search_path) is replayed on whichever backend serves its next transaction,
 * on every shard, and never leaks to the other client.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetReplayRoutingTest {
    private static final String DEFAULT_SEARCH_PATH = "\"$user\", public";

    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_set_replay")
                .schema(Orders.SCHEMA + """
                        DROP SCHEMA IF EXISTS myschema CASCADE;
                        CREATE SCHEMA myschema;
                        CREATE TABLE myschema.only_here (v text);
                        INSERT INTO myschema.only_here VALUES (inet_server_port()::text);
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
    void aSetTheServerRefusesIsRefusedAndNotReplayed(Protocol protocol) throws SQLException {
        try (Connection a = cluster.connect(protocol)) {
            SQLException refused = catchThrowableOfType(SQLException.class, () -> execute(a, "SET statement_timeout = 'soon'"));
            assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo("22023");
            assertThat(refused.getMessage()).contains("statement_timeout");
            SQLException unknown = catchThrowableOfType(SQLException.class, () -> execute(a, "SET no_such_setting = 1"));
            assertThat(unknown.getSQLState()).as(unknown.getMessage()).isEqualTo("42704");
            assertThat(query(a, "SELECT customer FROM orders WHERE id = ?", 5L)).as("the session goes on").isEqualTo("sh1");
            assertThat(query(a, "SELECT customer FROM orders WHERE id = ?", 1005L)).isEqualTo("sh2");
            execute(a, "SET statement_timeout = '5s'");
            assertThat(query(a, "SELECT current_setting('statement_timeout') || customer FROM orders WHERE id = ?", 1005L))
                    .isEqualTo("5ssh2");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void searchPathFollowsItsClientAcrossSharedBackends(Protocol protocol) throws SQLException {
        String sh1Port = Integer.toString(cluster.serverPort("sh1"));
        String sh2Port = Integer.toString(cluster.serverPort("sh2"));
        try (Connection a = cluster.connect(protocol); Connection b = cluster.connect(protocol)) {
            execute(a, "SET search_path TO myschema, public");
            for (int round = 0; round < 3; round++) {
                assertThat(query(a, "SELECT v FROM only_here")).as("A, round %d", round).isEqualTo(sh1Port);
                assertThat(query(b, "SHOW search_path")).as("B, round %d", round).isEqualTo(DEFAULT_SEARCH_PATH);
                assertThat(query(a, "/*__spqr__sharding_key: 1005*/ SELECT v FROM only_here")).as("A on sh2")
                        .isEqualTo(sh2Port);
                assertThat(query(b, "SELECT current_setting('search_path'), customer FROM orders WHERE id = ?", 1005L))
                        .isEqualTo(DEFAULT_SEARCH_PATH + "|sh2");
                assertThat(query(a, "SELECT current_setting('search_path'), customer FROM orders WHERE id = ?", 5L))
                        .isEqualTo("myschema, public|sh1");
            }
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            assertThat(query(a, "SELECT v FROM only_here")).isEqualTo(sh1Port);
            a.commit();
            assertThat(query(b, "SHOW search_path")).isEqualTo(DEFAULT_SEARCH_PATH);
            b.commit();
            a.setAutoCommit(true);
            execute(a, "RESET search_path");
            assertThat(query(a, "SHOW search_path")).isEqualTo(DEFAULT_SEARCH_PATH);
        }
    }
}
