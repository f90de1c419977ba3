package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Key ranges created, split, moved and dropped through the admin console route the very next
 * transaction, also of sessions and server-side prepared statements that existed before the change.
 */
@RealPostgres(servers = 2)
class ConsoleMetadataRoutingTest {
    private RoutedShards cluster;

    @AfterEach
    void stopRouter() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void keyRangeChangesRouteTheNextTransaction(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_console").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
        Orders.mirror(cluster);
        try (Connection simple = cluster.connect(Protocol.SIMPLE);
                Connection prepared = cluster.connect(Protocol.PREPARED);
                PreparedStatement where = prepared.prepareStatement("SELECT inet_server_port(), count(*) FROM orders WHERE id = ?");
                Connection console = cluster.console()) {
            assertThat(shardOf(where, 2500)).isEqualTo("sh2");

            // A new range inside kr2 that routes elsewhere is refused, as in SPQR; one on kr2's shard is
            // accepted and may then move.
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> execute(console, "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh1 FOR DISTRIBUTION ds1"));
            assertThat(refused.getSQLState()).isEqualTo("42P17");
            assertThat(shardOf(where, 2500)).as("after the refused CREATE KEY RANGE").isEqualTo("sh2");
            execute(console, "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
            execute(console, "MOVE KEY RANGE kr3 TO sh1");
            assertThat(shardOf(where, 2500)).as("after CREATE KEY RANGE and MOVE").isEqualTo("sh1");
            assertThat(shardOf(where, 1500)).isEqualTo("sh2");
            execute(simple, "INSERT INTO orders (id, customer) VALUES (2500, 'created')");

            execute(console, "SPLIT KEY RANGE kr4 FROM kr2 BY 1500");
            assertThat(shardOf(where, 1600)).as("a split range stays on its shard").isEqualTo("sh2");
            execute(console, "MOVE KEY RANGE kr4 TO sh1");
            assertThat(shardOf(where, 1600)).as("after MOVE").isEqualTo("sh1");
            assertThat(shardOf(where, 1400)).isEqualTo("sh2");
            execute(simple, "INSERT INTO orders (id, customer) VALUES (1600, 'moved'), (1700, 'moved')");
            assertThat(update(simple, "UPDATE orders SET amount = 1 WHERE id = 1400")).isZero();

            execute(console, "DROP KEY RANGE kr3");
            assertThat(shardOf(where, 2500)).as("after DROP, kr4 holds 2500").isEqualTo("sh1");
            execute(console, "MOVE KEY RANGE kr4 TO sh2");
            assertThat(shardOf(where, 2500)).isEqualTo("sh2");
        }
        assertThat(cluster.onEachShard("SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE customer IN ('created', 'moved')"))
                .isEqualTo(cluster.only("sh1", "1600,1700,2500", ""));
    }

    /** SPQR's ALTER RELATION … SCHEMA: the next statement naming the relation in its new schema is routed by its key. */
    @Test
    void aRelationMovedToAnotherSchemaIsRoutedUnderItsNewName(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_schema").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
        for (String shard : cluster.shardNames()) {
            cluster.on(shard, "DROP SCHEMA IF EXISTS sales CASCADE; CREATE SCHEMA sales;"
                    + " CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer text NOT NULL)");
        }
        try (Connection simple = cluster.connect(Protocol.SIMPLE); Connection console = cluster.console()) {
            execute(console, "ALTER DISTRIBUTION ds1 ALTER RELATION orders SCHEMA sales");
            execute(simple, "INSERT INTO sales.orders (id, customer) VALUES (500, 'low')");
            execute(simple, "INSERT INTO sales.orders (id, customer) VALUES (2500, 'high')");
        }
        assertThat(cluster.onEachShard("SELECT string_agg(id::text, ',' ORDER BY id) FROM sales.orders"))
                .isEqualTo(java.util.Map.of("sh1", "500", "sh2", "2500"));
    }

    /** The shard a statement with this key ran on, by the port the server answered from. */
    private String shardOf(PreparedStatement statement, long key) throws SQLException {
        statement.setLong(1, key);
        try (ResultSet rows = statement.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return cluster.shardOfPort(rows.getInt(1));
        }
    }
}
