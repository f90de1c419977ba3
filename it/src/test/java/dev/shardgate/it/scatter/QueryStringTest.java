package dev.shardgate.it.scatter;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.Psql;
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
import java.util.List;
import java.util.Map;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simple Query holding several statements gets exactly one PostgreSQL server's answer when all
 * its statements live on one shard (the string is one implicit transaction there, as on the server),
 * and a 0A000 refusal that changes nothing otherwise: a statement without key beside a keyed one,
 * or keys on two shards, never answer for one shard only. DO blocks, and CALL of a
 * procedure that reads distributed relations, run only where a hint sends them. Keys below 1000 live on sh1, the rest on sh2; the router runs under ALLOW, and a
 * session may ask for BLOCK with a startup parameter.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryStringTest {
    private static final String DATABASE = "querystring";
    private static final String ALL_ROWS = "SELECT * FROM orders ORDER BY id";
    private static final String SCHEMA = "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int);"
            + " CREATE PROCEDURE bump(k int) LANGUAGE sql AS $$ UPDATE orders SET qty = qty + 1 WHERE id = k $$;"
            + " CREATE PROCEDURE noop() LANGUAGE sql AS $$ SELECT 1 $$";

    private ScatterCluster cluster;
    private LocalPostgres referenceServer;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, DATABASE, SCHEMA, PoolMode.TRANSACTION);
        referenceServer = servers.get(0);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders");
        cluster.insertDirectly(5, "INSERT INTO orders (id, customer, qty) VALUES (5, 'a', 1)");
        cluster.insertDirectly(1000, "INSERT INTO orders (id, customer, qty) VALUES (1000, 'b', 2)");
    }

    private SimpleQueries router(String behaviour) throws IOException {
        return new SimpleQueries(ScatterCluster.HOST, cluster.routerPort(), ScatterCluster.USER, DATABASE,
                Map.of("__spqr__default_route_behaviour", behaviour));
    }

    private SimpleQueries reference() throws IOException {
        return new SimpleQueries(referenceServer.host(), referenceServer.port(), ScatterCluster.USER, DATABASE + "_ref", Map.of());
    }

    private Psql psql(int port, String database) {
        return new Psql(ScatterCluster.HOST, port, ScatterCluster.USER, null, database);
    }

    /** Every row is where the router would look for it, and the router sees what the reference holds. */
    private void assertSameRowsAsReference() throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, ALL_ROWS)).isEqualTo(answer(cluster.reference(), ALL_ROWS));
        }
        assertThat(answer(cluster.shard(0), "SELECT count(*) FROM orders WHERE id >= 1000")).containsExactly("count:int8", "0");
        assertThat(answer(cluster.shard(1), "SELECT count(*) FROM orders WHERE id < 1000")).containsExactly("count:int8", "0");
    }

    @Test
    void statementsOnOneShardAnswerAsOneServerDoes() throws IOException, SQLException {
        List<String> strings = List.of(
                "SELECT * FROM orders WHERE id = 5; UPDATE orders SET qty = qty + 1 WHERE id = 5 RETURNING qty; SELECT 1 AS one",
                "BEGIN; INSERT INTO orders (id, customer, qty) VALUES (6, 'c', 3); SELECT count(*) FROM orders WHERE id IN (5, 6); COMMIT",
                // an error aborts the rest and rolls back the implicit transaction: row 7 is not kept
                "INSERT INTO orders (id, customer, qty) VALUES (7, 'd', 1); SELECT 1 / 0; SELECT 2",
                "INSERT INTO orders (id, customer, qty) VALUES (1001, 'e', 1); INSERT INTO orders (id, customer, qty) VALUES (1000, 'dup', 1); SELECT 3",
                "SELECT 1 AS a; SELECT 'x'::text AS b, NULL::int AS c");
        for (String behaviour : List.of("BLOCK", "ALLOW")) {
            rows();
            try (SimpleQueries router = router(behaviour); SimpleQueries reference = reference()) {
                for (String sql : strings) {
                    assertThat(router.query(sql)).as(behaviour + ": " + sql).isEqualTo(reference.query(sql));
                }
            }
            assertSameRowsAsReference();
        }
    }

    @Test
    void aStatementWithoutKeyBesideAKeyedOneIsRefusedAndChangesNothing() throws IOException, SQLException {
        String countBeside = "SELECT * FROM orders WHERE id = 5; SELECT count(*) FROM orders";
        try (SimpleQueries router = router("BLOCK")) {
            assertThat(router.query(countBeside)).containsExactly("ERROR 0A000", "ready I");
            assertThat(router.lastErrorMessage()).contains("no sharding key found for relation public.orders");
            assertThat(router.query("UPDATE orders SET qty = 9 WHERE id = 1000; DELETE FROM orders")).containsExactly("ERROR 0A000", "ready I");
        }
        try (SimpleQueries router = router("ALLOW"); SimpleQueries reference = reference()) {
            for (String sql : List.of(countBeside, "UPDATE orders SET qty = 9 WHERE id = 1000; DELETE FROM orders",
                    "DELETE FROM orders; INSERT INTO orders (id, customer, qty) VALUES (8, 'f', 1)")) {
                assertThat(router.query(sql)).as(sql).containsExactly("ERROR 0A000", "ready I");
                assertThat(router.lastErrorMessage()).as(sql)
                        .isEqualTo("statements of one query string would run on different shards (sh1, sh2); send them as separate queries");
            }
            // each statement alone gets the server's answer
            for (String sql : List.of("SELECT * FROM orders WHERE id = 5", "SELECT count(*) FROM orders")) {
                assertThat(router.query(sql)).as(sql).isEqualTo(reference.query(sql));
            }
        }
        assertSameRowsAsReference();
    }

    @Test
    void keysOnDifferentShardsInOneStringAreRefusedAndWriteNothing() throws IOException, SQLException {
        try (SimpleQueries router = router("BLOCK")) {
            for (String sql : List.of(
                    "INSERT INTO orders (id, customer, qty) VALUES (8, 'f', 1); INSERT INTO orders (id, customer, qty) VALUES (1008, 'f', 1)",
                    "BEGIN; UPDATE orders SET qty = 0 WHERE id = 5; UPDATE orders SET qty = 0 WHERE id = 1000; COMMIT",
                    "SELECT * FROM orders WHERE id IN (5, 1000); SELECT 1")) {
                assertThat(router.query(sql)).as(sql).containsExactly("ERROR 0A000", "ready I");
                assertThat(router.lastErrorMessage()).as(sql)
                        .isEqualTo("statements of one query string would run on different shards (sh1, sh2); send them as separate queries");
            }
        }
        assertSameRowsAsReference();
    }

    @Test
    void sqlLevelPreparedStatementCommandsComeAlone() throws IOException, SQLException {
        try (SimpleQueries router = router("BLOCK"); SimpleQueries reference = reference()) {
            assertThat(router.query("PREPARE q AS SELECT * FROM orders WHERE id = $1; EXECUTE q(1000)"))
                    .containsExactly("ERROR 0A000", "ready I");
            assertThat(router.lastErrorMessage()).startsWith("PREPARE must come alone in its query string");
            for (String sql : List.of("PREPARE q AS SELECT * FROM orders WHERE id = $1", "EXECUTE q(1000)", "EXECUTE q(5)")) {
                assertThat(router.query(sql)).as(sql).isEqualTo(reference.query(sql));
            }
            assertThat(router.query("SELECT * FROM orders WHERE id = 5; EXECUTE q(1000)")).containsExactly("ERROR 0A000", "ready I");
            assertThat(router.lastErrorMessage()).startsWith("EXECUTE must come alone in its query string");
        }
        assertSameRowsAsReference();
    }

    @Test
    void psqlGetsTheServersAnswerOrTheRefusal() throws SQLException {
        String oneShard = "SELECT qty FROM orders WHERE id = 5; UPDATE orders SET qty = 4 WHERE id = 5; SELECT customer, qty FROM orders WHERE id = 5";
        ProcessResult viaRouter = psql(cluster.routerPort(), DATABASE).command(oneShard);
        ProcessResult direct = psql(referenceServer.port(), DATABASE + "_ref").command(oneShard);
        assertThat(viaRouter.exitCode()).as(viaRouter.stderr()).isZero();
        assertThat(viaRouter.stdout()).isEqualTo(direct.stdout()).contains("a|4");

        ProcessResult refused = psql(cluster.routerPort(), DATABASE).command("SELECT * FROM orders WHERE id = 5; SELECT count(*) FROM orders");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stdout()).isEmpty();
        assertThat(refused.stderr()).contains("statements of one query string would run on different shards (sh1, sh2)");
        assertSameRowsAsReference();
    }

    @Test
    void doBlocksAndCallsRunOnlyWhereAHintSendsThem() throws IOException, SQLException {
        try (SimpleQueries router = router("ALLOW")) {
            assertThat(router.query("DO $$ BEGIN UPDATE orders SET qty = 100; END $$")).containsExactly("ERROR 0A000", "ready I");
            assertThat(router.lastErrorMessage()).startsWith("DO blocks are not supported while distributed or reference relations exist");
            assertThat(router.query("CALL bump(5)")).containsExactly("ERROR 0A000", "ready I");
            // as any function the router cannot see into: the catalog shows its body reads a distributed relation
            assertThat(router.lastErrorMessage()).startsWith("function public.bump may read distributed relations and would see one shard only");
            assertThat(router.query("SELECT 1; DO $$ BEGIN NULL; END $$")).containsExactly("ERROR 0A000", "ready I");
            assertThat(router.query("CALL noop()")).containsExactly("CALL", "ready I"); // it reads nothing distributed
            assertSameRowsAsReference();

            assertThat(router.query("/*__spqr__execute_on: sh1*/ DO $$ BEGIN UPDATE orders SET qty = 100; END $$"))
                    .containsExactly("DO", "ready I");
            assertThat(router.query("/*__spqr__execute_on: sh2*/ CALL bump(1000)")).containsExactly("CALL", "ready I");
            assertThat(router.query("/*__spqr__sharding_key: 5*/ CALL bump(5)")).containsExactly("CALL", "ready I");
        }
        assertThat(answer(cluster.shard(0), "SELECT id, qty FROM orders")).containsExactly("id:int4|qty:int4", "5|101");
        assertThat(answer(cluster.shard(1), "SELECT id, qty FROM orders")).containsExactly("id:int4|qty:int4", "1000|3");
    }
}
