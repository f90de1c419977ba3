package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static dev.shardgate.it.scatter.ScatterCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * No statement through the router leaves a row of a distributed relation on a shard whose key
 * ranges do not hold its key (keys below 1000 on sh1, the rest on sh2; nothing below 0), and every
 * copy of a reference relation gets every write. Each test reads the shards directly afterwards.
 * Runs under default_route_behaviour ALLOW, where keyless statements run on every shard.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowPlacementTest {
    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "placement",
                "CREATE TABLE orders (id int PRIMARY KEY DEFAULT 1500, customer text, qty int);"
                        + " CREATE TABLE rates (code text PRIMARY KEY, rate int)", PoolMode.TRANSACTION);
        try (Connection console = cluster.console()) {
            execute(console, "CREATE REFERENCE TABLE rates");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders; TRUNCATE rates");
        cluster.insertDirectly(5, "INSERT INTO orders VALUES (5, 'a', 1)");
        cluster.insertDirectly(1000, "INSERT INTO orders VALUES (1000, 'b', 2)");
    }

    @Test
    void assigningTheDistributionKeyIsRefusedWhereTheRouterCannotPlaceTheRows() throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : List.of(
                    "UPDATE orders SET id = qty WHERE id = 5",
                    "UPDATE orders SET (qty, id) = (3, 1005) WHERE id = 5",
                    "UPDATE orders SET (qty, id) = (SELECT 3, 1005) WHERE id = 5",
                    "INSERT INTO orders (id, qty) VALUES (5, 1) ON CONFLICT (id) DO UPDATE SET id = 1005",
                    "WITH u AS (UPDATE orders SET id = 1005 WHERE id = 5 RETURNING id) SELECT * FROM u",
                    "MERGE INTO orders o USING (VALUES (5)) v(k) ON o.id = v.k WHEN MATCHED THEN UPDATE SET id = 1005")) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> execute(router, sql));
                assertThat((Throwable) e).as(sql).isNotNull();
                assertThat(e.getSQLState()).as(sql).isEqualTo("0A000");
                assertThat(e.getMessage()).as(sql)
                        .contains("updating the distribution key column \"id\" of relation \"orders\" is not supported");
            }
            assertThat(answer(router, "UPDATE orders SET qty = 7 WHERE id = 5 RETURNING id, qty")).containsExactly("id:int4|qty:int4", "5|7");
        }
        assertEveryRowOnItsShard();
        assertThat(ids(0)).containsExactly("5");
        assertThat(ids(1)).containsExactly("1000");
        // a new key the router knows: the row moves to its shard (split update, SplitUpdateTest)
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, "UPDATE orders SET id = 1005 WHERE id = 5 RETURNING id, qty")).containsExactly("id:int4|qty:int4", "1005|7");
        }
        assertEveryRowOnItsShard();
        assertThat(ids(0)).isEmpty();
        assertThat(ids(1)).containsExactlyInAnyOrder("1000", "1005");
    }

    @Test
    void newRowsWhoseKeyTheRouterCannotSeeAreRefused() throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : List.of(
                    "INSERT INTO orders SELECT id + 1, customer, qty FROM orders",
                    "INSERT INTO orders (id, customer) SELECT id + 1, customer FROM orders WHERE id = 5",
                    "INSERT INTO orders VALUES (DEFAULT, 'c', 1)",
                    "INSERT INTO orders (customer) VALUES ('column default')",
                    "INSERT INTO orders (id, customer) VALUES (DEFAULT, 'x')",
                    "INSERT INTO orders (id, customer) VALUES (length('abcdefg'), 'x')",
                    "INSERT INTO orders (id, customer) VALUES ((SELECT 1500), 'x')",
                    "INSERT INTO orders DEFAULT VALUES",
                    "WITH i AS (INSERT INTO orders (id) SELECT g FROM generate_series(10, 12) g RETURNING id) SELECT count(*) FROM i",
                    "WITH i AS (INSERT INTO orders (id) VALUES (20) RETURNING id) SELECT * FROM i, orders o WHERE o.id = 1000",
                    "INSERT INTO orders (id, qty) SELECT 7, count(*) FROM orders",
                    "MERGE INTO orders o USING (VALUES (8)) v(k) ON o.id = v.k WHEN NOT MATCHED THEN INSERT (id) VALUES (v.k)",
                    "EXPLAIN ANALYZE INSERT INTO orders SELECT 9",
                    "PREPARE ins AS INSERT INTO orders (id) VALUES ($1)")) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> execute(router, sql));
                assertThat((Throwable) e).as(sql).isNotNull();
                assertThat(e.getSQLState()).as(sql).isEqualTo("0A000");
            }
            // constants, casts and the one shard they live on are fine, also inside WITH
            assertThat(answer(router, "WITH i AS (INSERT INTO orders (id, customer) VALUES (1001::bigint, 'w') RETURNING id)"
                    + " SELECT id FROM i")).containsExactly("id:int4", "1001");
            execute(router, "INSERT INTO orders (id, customer) SELECT 6, 'c'");
        }
        assertEveryRowOnItsShard();
        assertThat(ids(0)).containsExactly("5", "6");
        assertThat(ids(1)).containsExactly("1000", "1001");
    }

    @Test
    void aHintNeverPlacesARowOnAnotherShard() throws SQLException {
        try (Connection router = cluster.connect()) {
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> execute(router, "/*__spqr__execute_on: sh2*/ INSERT INTO orders (id) VALUES (6)"));
            assertThat(e.getSQLState()).isEqualTo("0A000");
            assertThat(e.getMessage()).contains("belongs to shard \"sh1\", not to shard \"sh2\"");
            execute(router, "/*__spqr__execute_on: sh1*/ INSERT INTO orders (id) VALUES (6)");
        }
        assertEveryRowOnItsShard();
        assertThat(ids(0)).containsExactly("5", "6");
    }

    @Test
    void rowsFromFilesOrQueriesTheRouterCannotSplitAreRefused() throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : List.of("COPY orders FROM '/nonexistent/orders.csv'", "COPY orders FROM PROGRAM 'true'",
                    "CREATE TABLE orders AS SELECT 7 AS id", "SELECT 7 AS id INTO orders")) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> execute(router, sql));
                assertThat((Throwable) e).as(sql).isNotNull();
                assertThat(e.getSQLState()).as(sql).isEqualTo("0A000");
            }
            // a hint does not send COPY rows of a distributed relation past their keys
            long copied = router.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(
                    "/*__spqr__execute_on: sh2*/ COPY orders (id, customer) FROM STDIN", new java.io.StringReader("7\tx\n1007\ty\n"));
            assertThat(copied).isEqualTo(2);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertEveryRowOnItsShard();
        assertThat(ids(0)).containsExactly("5", "7");
        assertThat(ids(1)).containsExactly("1000", "1007");
    }

    @Test
    void keysNoRangeHoldsOrNoIntegerEqualsMatchNothing() throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : List.of(
                    "SELECT id, customer FROM orders WHERE id = -1",
                    "SELECT id, customer FROM orders WHERE id = 1e3",
                    "SELECT id, customer FROM orders WHERE id = 1000.0",
                    "SELECT id, customer FROM orders WHERE id = 1000.5",
                    "SELECT id, customer FROM orders WHERE id IN (-1, 5) ORDER BY id",
                    "UPDATE orders SET qty = 3 WHERE id = -1 RETURNING id",
                    "DELETE FROM orders WHERE id = 5.5 RETURNING id")) {
                assertThat(answer(router, sql)).as(sql).isEqualTo(answer(cluster.reference(), sql));
            }
            try (Statement statement = router.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 3 WHERE id = -1")).isZero();
            }
            SQLException e = catchThrowableOfType(SQLException.class, () -> execute(router, "INSERT INTO orders (id) VALUES (-1)"));
            assertThat(e.getSQLState()).isEqualTo("23514");
            assertThat(e.getMessage()).contains("no key range of relation \"public.orders\" found for row");
            // a numeric key is rounded into the integer column as PostgreSQL assigns it: 1499.5 → 1500
            execute(router, "INSERT INTO orders (id, customer) VALUES (1499.5, 'rounded')");
            execute(cluster.reference(), "INSERT INTO orders (id, customer) VALUES (1499.5, 'rounded')");
            assertThat(answer(router, "SELECT id FROM orders WHERE id = 1500")).isEqualTo(answer(cluster.reference(), "SELECT id FROM orders WHERE id = 1500"));
        }
        assertEveryRowOnItsShard();
        assertThat(ids(1)).containsExactly("1000", "1500");
    }

    @Test
    void fetchFirstRowOnlyIsLimitOne() throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : List.of("SELECT id FROM orders ORDER BY id FETCH FIRST ROW ONLY",
                    "SELECT id FROM orders ORDER BY id DESC FETCH NEXT ROW ONLY",
                    "SELECT id FROM orders ORDER BY id OFFSET 1 ROW FETCH FIRST ROW ONLY",
                    "SELECT id FROM orders WHERE id = 5 FETCH FIRST ROW ONLY")) {
                assertThat(answer(router, sql)).as(sql).isEqualTo(answer(cluster.reference(), sql));
            }
        }
    }

    @Test
    void referenceWritesAtAnyDepthReachEveryCopy() throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, "WITH i AS (INSERT INTO rates VALUES ('eur', 1), ('usd', 2) RETURNING code)"
                    + " SELECT code FROM i ORDER BY code")).containsExactly("code:text", "eur", "usd");
            assertThat(answer(router, "WITH u AS (UPDATE rates SET rate = rate * 10 WHERE code = 'eur' RETURNING rate)"
                    + " SELECT rate FROM u")).containsExactly("rate:int4", "10");
            assertThat(answer(router, "WITH d AS (DELETE FROM rates WHERE code = 'usd' RETURNING code) SELECT count(*) FROM d"))
                    .containsExactly("count:int8", "1");
            execute(router, "MERGE INTO rates r USING (VALUES ('chf', 3)) v(c, x) ON r.code = v.c"
                    + " WHEN NOT MATCHED THEN INSERT VALUES (v.c, v.x)");
            SQLException e = catchThrowableOfType(SQLException.class, () -> execute(router,
                    "WITH i AS (INSERT INTO rates VALUES ('gbp', 4) RETURNING code) SELECT * FROM orders WHERE id = 5"));
            assertThat(e.getSQLState()).isEqualTo("0A000");
        }
        String expected = "code:text|rate:int4,chf|3,eur|10";
        assertThat(String.join(",", answer(cluster.shard(0), "SELECT code, rate FROM rates ORDER BY code"))).isEqualTo(expected);
        assertThat(String.join(",", answer(cluster.shard(1), "SELECT code, rate FROM rates ORDER BY code"))).isEqualTo(expected);
    }

    @Test
    void schemaLevelDdlRunsOnEveryShard() throws SQLException {
        try (Connection router = cluster.connect()) {
            execute(router, "CREATE SCHEMA placement_s");
            execute(router, "CREATE TYPE placement_s.mood AS ENUM ('ok', 'sad')");
            execute(router, "CREATE DOMAIN placement_s.posint AS int CHECK (VALUE > 0)");
            execute(router, "CREATE FUNCTION placement_s.twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2'");
            execute(router, "CREATE SEQUENCE placement_s.seq");
            for (int shard = 0; shard < 2; shard++) {
                assertThat(answer(cluster.shard(shard), "SELECT placement_s.twice(2) AS t, 'ok'::placement_s.mood AS m,"
                        + " 3::placement_s.posint AS p, nextval('placement_s.seq') AS n"))
                        .containsExactly("t:int4|m:\"placement_s\".\"mood\"|p:int4|n:int8", "4|ok|3|1");
            }
            execute(router, "DROP SCHEMA placement_s CASCADE");
        }
        for (int shard = 0; shard < 2; shard++) {
            assertThat(answer(cluster.shard(shard), "SELECT count(*) FROM pg_namespace WHERE nspname = 'placement_s'"))
                    .containsExactly("count:int8", "0");
        }
    }

    @Test
    void hintCommandsEndWithTheirStatement() throws SQLException {
        try (Connection router = cluster.connect(); Statement statement = router.createStatement()) {
            assertThat(statement.execute("SET __spqr__default_route_behaviour = 'BLOCK'; SELECT 1 AS one")).isFalse();
            assertThat(statement.getMoreResults()).isTrue();
            try (ResultSet rows = statement.getResultSet()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(1);
            }
            assertThat(answer(router, "SHOW __spqr__default_route_behaviour")).containsExactly("__spqr__default_route_behaviour:text", "BLOCK");
            SQLException blocked = catchThrowableOfType(SQLException.class, () -> execute(router, "SELECT count(*) FROM orders"));
            assertThat(blocked.getSQLState()).isEqualTo("0A000");
            assertThat(blocked.getMessage()).contains("no sharding key found");
            // the hint of the first statement routes the ones after it
            assertThat(statement.execute("SET __spqr__default_route_behaviour TO Allow; SELECT count(*) FROM orders")).isFalse();
            assertThat(statement.getMoreResults()).isTrue();
            try (ResultSet rows = statement.getResultSet()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(2);
            }
            assertThat(answer(router, "SHOW __spqr__default_route_behaviour")).containsExactly("__spqr__default_route_behaviour:text", "Allow");
            // an ordinary SET after a hint command is the session's setting, as on its own
            assertThat(statement.execute("SET __spqr__default_route_behaviour = 'ALLOW'; SET statement_timeout = '7s' -- why\n;"
                    + " SELECT 1")).isFalse();
            assertThat(answer(router, "SHOW statement_timeout")).containsExactly("statement_timeout:text", "7s");
            SQLException late = catchThrowableOfType(SQLException.class,
                    () -> execute(router, "SELECT 1; SET __spqr__default_route_behaviour = 'BLOCK'"));
            assertThat(late.getSQLState()).isEqualTo("0A000");
            assertThat(answer(router, "SHOW __spqr__default_route_behaviour")).containsExactly("__spqr__default_route_behaviour:text", "ALLOW");
        }
    }

    /** The keys on one shard, read directly, in order. */
    private List<String> ids(int shard) throws SQLException {
        List<String> lines = answer(cluster.shard(shard), "SELECT id FROM orders ORDER BY id");
        return lines.subList(1, lines.size());
    }

    /** Every row's key lies in its shard's ranges: [0, 1000) on sh1, [1000, ∞) on sh2. */
    private void assertEveryRowOnItsShard() throws SQLException {
        for (int shard = 0; shard < 2; shard++) {
            for (String id : ids(shard)) {
                long key = Long.parseLong(id);
                assertThat(shard == 0 ? key >= 0 && key < 1000 : key >= 1000)
                        .as("row %s on shard sh%d", id, shard + 1).isTrue();
            }
        }
    }
}
