package dev.shardgate.it.routing;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** The real psql client (simple protocol), statement by statement and several statements in one Query. */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PsqlRoutingTest {
    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_psql").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void mirrorRows() throws SQLException {
        Orders.mirror(cluster);
    }

    @Test
    void scriptStatementsEachGoToTheirKeysShard() throws SQLException {
        ProcessResult run = cluster.psql().script("""
                INSERT INTO orders (id, customer) VALUES (700, 'p1');
                INSERT INTO orders (id, customer) VALUES (1700, 'p2'), (1701, 'p2');
                UPDATE orders SET amount = amount + 3 WHERE id = 1005;
                SELECT customer, amount FROM orders WHERE id = 1005;
                SELECT customer FROM orders WHERE id = 5;
                DELETE FROM orders WHERE id = 6;
                SELECT o.customer || ':' || count(*) FROM orders o JOIN items i ON i.order_id = o.id WHERE o.id = 1006 GROUP BY o.customer;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("INSERT 0 1\nINSERT 0 2\nUPDATE 1\nsh2|3\nsh1\nDELETE 1\nsh2:2\n");
        assertThat(cluster.onEachShard("SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE customer LIKE 'p_'"))
                .isEqualTo(cluster.only("sh1", "700", "1700,1701"));
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1005")).isEqualTo(cluster.only("sh2", "3", "0"));
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = 6")).isEqualTo(cluster.only("sh1", "0", "1"));
    }

    @Test
    void severalStatementsInOneQueryRunTogetherOnTheirCommonShard() throws SQLException {
        ProcessResult run = cluster.psql().command("UPDATE orders SET amount = 1 WHERE id = 1005;"
                + " UPDATE orders SET amount = 2 WHERE id = 1006; SELECT inet_server_port()");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("UPDATE 1\nUPDATE 1\n" + cluster.serverPort("sh2") + "\n");
        assertThat(cluster.onEachShard("SELECT string_agg(amount::text, ',' ORDER BY id) FROM orders WHERE id IN (1005, 1006)"))
                .isEqualTo(cluster.only("sh2", "1,2", "0,0"));
    }

    @Test
    void refusalsReachPsqlWithTheirSqlstateAndChangeNothing() throws SQLException {
        ProcessResult noKey = cluster.psql().script("\\set VERBOSITY verbose\nUPDATE orders SET amount = 9;\n");
        assertThat(noKey.exitCode()).isNotZero();
        assertThat(noKey.stderr()).contains("0A000").contains("orders").contains("id");

        ProcessResult twoShards = cluster.psql().command("UPDATE orders SET amount = 9 WHERE id = 5;"
                + " UPDATE orders SET amount = 9 WHERE id = 1005");
        assertThat(twoShards.exitCode()).isNotZero();
        assertThat(twoShards.stderr()).contains("sh1").contains("sh2");

        // DDL over every shard runs inside the block, and rolls back with it
        ProcessResult inTransaction = cluster.psql().script("BEGIN;\nTRUNCATE orders;\nROLLBACK;\n");
        assertThat(inTransaction.stderr()).isEmpty();
        assertThat(inTransaction.stdout()).isEqualTo("BEGIN\nTRUNCATE TABLE\nROLLBACK\n");

        assertThat(cluster.onEachShard("SELECT count(*) || ':' || sum(amount) FROM orders")).isEqualTo(cluster.everywhere("4:0"));
    }
}
