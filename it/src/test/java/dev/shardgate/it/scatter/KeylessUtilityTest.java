package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Utility statements without a key under ALLOW (no default shard): what can give PostgreSQL's answer
 * runs on every shard (COPY (SELECT …) TO STDOUT, EXPLAIN), the rest is refused with 0A000; SQL-level
 * PREPARE / EXECUTE / DEALLOCATE follow the client from backend to backend and shard to shard.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeylessUtilityTest {
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, customer text, amount numeric(10,2));
            CREATE VIEW cheap AS SELECT id, amount FROM orders WHERE amount < 20;
            CREATE FUNCTION count_orders() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
            """;
    static final String ROWS = """
            INSERT INTO orders SELECT id, 'c' || k % 4, k * 1.5
            FROM generate_series(0, 29) k, LATERAL (SELECT CASE WHEN k % 2 = 0 THEN k * 10 ELSE 1000 + k * 10 END AS id) i
            """;

    private final Map<PoolMode, ScatterCluster> clusters = new EnumMap<>(PoolMode.class);

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        for (PoolMode mode : PoolMode.values()) {
            ScatterCluster cluster = ScatterCluster.start(servers, "scatter_utility_" + mode.name().toLowerCase(), SCHEMA, mode);
            ScatterCluster.execute(cluster.shard(0), ROWS + " WHERE id < 1000");
            ScatterCluster.execute(cluster.shard(1), ROWS + " WHERE id >= 1000");
            ScatterCluster.execute(cluster.reference(), ROWS);
            clusters.put(mode, cluster);
        }
    }

    @AfterAll
    void stop() throws SQLException {
        for (ScatterCluster cluster : clusters.values()) {
            cluster.close();
        }
    }

    private ScatterCluster cluster() {
        return clusters.get(PoolMode.TRANSACTION);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "COPY (SELECT id, customer, amount FROM orders WHERE amount > 10) TO STDOUT",
            "COPY (SELECT * FROM orders) TO STDOUT WITH (FORMAT csv)",
            "COPY (SELECT id FROM orders WHERE id IN (20, 1010)) TO STDOUT",
    })
    void copyOfAQueryGivesEveryShardsRows(String sql) throws Exception {
        try (Connection router = cluster().connect()) {
            assertThat(sortedLines(copyOut(router, sql))).as(sql).isEqualTo(sortedLines(copyOut(cluster().reference(), sql)));
        }
    }

    @Test
    void copyOfAQueryWithAHeaderHasItOnce() throws Exception {
        String sql = "COPY (SELECT id, customer FROM orders) TO STDOUT WITH (FORMAT csv, HEADER)";
        try (Connection router = cluster().connect()) {
            List<String> lines = Arrays.asList(copyOut(router, sql).split("\n"));
            assertThat(lines.getFirst()).isEqualTo("id,customer");
            assertThat(sortedLines(copyOut(router, sql))).isEqualTo(sortedLines(copyOut(cluster().reference(), sql)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "COPY (SELECT count(*) FROM orders) TO STDOUT",
            "COPY (SELECT id FROM orders ORDER BY id) TO STDOUT",
            "COPY (SELECT id FROM orders LIMIT 3) TO STDOUT",
            "COPY (SELECT id FROM orders) TO '/tmp/shardgate-never-written'",
            "COPY (SELECT id FROM orders) TO STDOUT (FORMAT binary)",
            "EXPLAIN (FORMAT JSON) SELECT * FROM orders",
            "EXPLAIN ANALYZE DELETE FROM orders",
            "EXPLAIN (ANALYZE) UPDATE orders SET amount = 0",
    })
    void whatCannotGivePostgresAnswerOnSeveralShardsIsRefused(String sql) throws Exception {
        try (Connection router = cluster().connect()) {
            SQLException error = catchThrowableOfType(SQLException.class, () -> copyOrQuery(router, sql));
            assertThat((Throwable) error).as(sql).isNotNull();
            assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo("0A000");
            assertThat(answer(router, "SELECT count(*), sum(amount) FROM orders"))
                    .containsExactlyElementsOf(answer(cluster().reference(), "SELECT count(*), sum(amount) FROM orders"));
        }
    }

    @Test
    void explainShowsEachShardsPlanAfterALineNamingTheShard() throws SQLException {
        try (Connection router = cluster().connect()) {
            List<String> plan = answer(router, "EXPLAIN (COSTS OFF) SELECT id FROM orders WHERE amount > 10");
            assertThat(plan.getFirst()).isEqualTo("QUERY PLAN:text");
            assertThat(plan).contains("shard sh1:", "shard sh2:");
            assertThat(plan.get(1)).isEqualTo("shard sh1:");
            assertThat(plan.stream().filter(line -> line.contains("Seq Scan on orders")).count()).isEqualTo(2);
            List<String> analyzed = answer(router, "EXPLAIN ANALYZE SELECT count(*) FROM orders");
            assertThat(analyzed).contains("shard sh1:", "shard sh2:");
        }
    }

    @Test
    void aCursorOverSeveralShardsIsRefused() throws SQLException {
        try (Connection router = cluster().connect()) {
            ScatterCluster.execute(router, "BEGIN");
            SQLException error = catchThrowableOfType(SQLException.class,
                    () -> ScatterCluster.execute(router, "DECLARE c CURSOR FOR SELECT * FROM orders"));
            assertThat(error.getSQLState()).isEqualTo("0A000");
            assertThat(error.getMessage()).contains("DECLARE CURSOR");
            ScatterCluster.execute(router, "ROLLBACK");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolMode.class)
    void viewsAndFunctionsAreSeenThroughInBothPoolModes(PoolMode mode) throws SQLException {
        ScatterCluster cluster = clusters.get(mode);
        try (Connection router = cluster.connect()) {
            for (int i = 0; i < 3; i++) {
                String sql = "SELECT count(*), sum(amount) FROM cheap";
                assertThat(answer(router, sql)).containsExactlyElementsOf(answer(cluster.reference(), sql));
                assertThat(answer(router, "SELECT count_orders()"))
                        .containsExactlyElementsOf(answer(cluster.reference(), "SELECT count_orders()"));
            }
            ScatterCluster.execute(router, "BEGIN");
            assertThat(answer(router, "SELECT count(*) FROM cheap WHERE id > 0"))
                    .containsExactlyElementsOf(answer(cluster.reference(), "SELECT count(*) FROM cheap WHERE id > 0"));
            ScatterCluster.execute(router, "COMMIT");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolMode.class)
    void sqlPreparedStatementsRunWhereTheirArgumentsKeyLives(PoolMode mode) throws SQLException {
        ScatterCluster cluster = clusters.get(mode);
        Connection reference = cluster.reference();
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "SET __spqr__default_route_behaviour = BLOCK");
            for (Connection c : List.of(router, reference)) {
                ScatterCluster.execute(c, "PREPARE by_id (int) AS SELECT id, customer, amount FROM orders WHERE id = $1");
            }
            for (String sql : List.of("EXECUTE by_id(1010)", "EXECUTE by_id(20)", "EXECUTE by_id(1290)", "EXECUTE by_id(7)")) {
                assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(reference, sql));
            }
            ScatterCluster.execute(router, "BEGIN");
            assertThat(answer(router, "EXECUTE by_id(1030)")).containsExactlyElementsOf(answer(reference, "EXECUTE by_id(1030)"));
            ScatterCluster.execute(router, "COMMIT");
            assertThat(sqlState(router, "PREPARE by_id AS SELECT 1")).isEqualTo("42P05");
            assertThat(sqlState(router, "EXECUTE by_id")).as("the server's own error: wrong argument count").isEqualTo("42601");
            ScatterCluster.execute(router, "DEALLOCATE by_id");
            ScatterCluster.execute(reference, "DEALLOCATE by_id");
            assertThat(sqlState(router, "EXECUTE by_id(20)")).isEqualTo("26000");
            assertThat(sqlState(router, "DEALLOCATE by_id")).isEqualTo("26000");
            assertThat(sqlState(router, "PREPARE broken AS SELECT * FROM no_such_table")).isEqualTo("42P01");
            assertThat(sqlState(router, "EXECUTE broken")).isEqualTo("26000");
            ScatterCluster.execute(router, "PREPARE by_id (int) AS SELECT id FROM orders WHERE id = $1 + 0");
            assertThat(sqlState(router, "EXECUTE by_id(20)")).as("no key: BLOCK refuses").isEqualTo("0A000");
            ScatterCluster.execute(router, "SET __spqr__default_route_behaviour = ALLOW");
            SQLException several = catchThrowableOfType(SQLException.class, () -> answer(router, "EXECUTE by_id(20)"));
            assertThat(several.getSQLState()).isEqualTo("0A000");
            assertThat(several.getMessage()).contains("by_id").contains("several shards");
            ScatterCluster.execute(router, "DEALLOCATE by_id");
        }
    }

    @ParameterizedTest
    @EnumSource(PoolMode.class)
    void sqlPreparedStatementsOverTheExtendedProtocolAreRefused(PoolMode mode) throws SQLException {
        ScatterCluster cluster = clusters.get(mode);
        try (Connection router = cluster.connect("preferQueryMode", "extended")) {
            for (String sql : List.of("PREPARE by_key (int) AS SELECT id FROM orders WHERE id = $1", "EXECUTE by_key(1010)",
                    "DEALLOCATE by_key", "/* why */ execute by_key(1)")) {
                SQLException error = catchThrowableOfType(SQLException.class, () -> ScatterCluster.execute(router, sql));
                assertThat((Throwable) error).as(sql).isNotNull();
                assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo("0A000");
                assertThat(error.getMessage()).as(sql).contains("by_key").contains("over the extended protocol");
            }
            String count = "SELECT count(*) FROM orders WHERE id = 1010";
            assertThat(answer(router, count)).containsExactlyElementsOf(answer(cluster.reference(), count));
            ScatterCluster.execute(router, "DEALLOCATE ALL");
            router.setAutoCommit(false);
            assertThat(answer(router, count)).containsExactlyElementsOf(answer(cluster.reference(), count));
            assertThat(sqlState(router, "PREPARE in_block AS SELECT 1")).isEqualTo("0A000");
            assertThat(sqlState(router, count)).as("the transaction failed, as on a server").isEqualTo("25P02");
            router.rollback();
            router.setAutoCommit(true);
            assertThat(answer(router, count)).containsExactlyElementsOf(answer(cluster.reference(), count));
        }
    }

    private static String sqlState(Connection connection, String sql) {
        SQLException error = catchThrowableOfType(SQLException.class, () -> ScatterCluster.execute(connection, sql));
        assertThat((Throwable) error).as(sql).isNotNull();
        return error.getSQLState();
    }

    private static void copyOrQuery(Connection connection, String sql) throws Exception {
        if (sql.startsWith("COPY")) {
            copyOut(connection, sql);
        } else {
            answer(connection, sql);
        }
    }

    private static String copyOut(Connection connection, String sql) throws Exception {
        StringWriter out = new StringWriter();
        connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, out);
        return out.toString();
    }

    private static List<String> sortedLines(String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n")));
        Collections.sort(lines);
        return lines;
    }
}
