package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * ORDER BY and GROUP BY items that are not in the select list of a multi-shard SELECT: the client
 * gets the rows, order and columns one server holding every row gives, in both protocols and with
 * text or binary results; the columns the shards return only for the merge are never seen.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HiddenColumnsTest {
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, region int, amount numeric, note text COLLATE "C", at timestamptz);
            """;
    static final String ROWS = """
            INSERT INTO orders
            SELECT id, k % 4, (k * 37 % 11) / 4.0, (ARRAY['b', 'A', 'a', 'é', NULL])[k % 5 + 1],
                   timestamptz '2026-01-01 00:00+00' + (k * 7 % 13) * interval '1 hour'
            FROM generate_series(0, 29) k, LATERAL (SELECT CASE WHEN k % 2 = 0 THEN k ELSE 1000 + k END AS id) x
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "hidden_columns", SCHEMA, PoolMode.TRANSACTION);
        ScatterCluster.execute(cluster.shard(0), ROWS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), ROWS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), ROWS);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    /** Every statement orders its rows totally, so the rows must come in the reference's order. */
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id FROM orders ORDER BY amount DESC, id",
            "SELECT id, note FROM orders ORDER BY at, id LIMIT 5 OFFSET 2",
            "SELECT id FROM orders WHERE region = 1 ORDER BY note DESC NULLS LAST, amount, id",
            "SELECT id FROM orders ORDER BY lower(note) COLLATE \"C\", id * -1",
            "SELECT count(*), sum(amount) FROM orders GROUP BY region ORDER BY region",
            "SELECT region FROM orders GROUP BY region ORDER BY avg(amount), region",
            "SELECT region, max(at) FROM orders GROUP BY region ORDER BY count(*) DESC, 1",
            "SELECT count(*) FROM orders GROUP BY region, note ORDER BY note NULLS FIRST, region",
            "SELECT avg(amount) FROM orders GROUP BY region % 2 ORDER BY region % 2",
            "SELECT 1 AS one FROM orders ORDER BY count(*)",
            "SELECT DISTINCT region FROM orders GROUP BY region, note ORDER BY region",
            "SELECT DISTINCT count(*) FROM orders GROUP BY note ORDER BY 1",
    })
    void answersMatchOneServerInEveryProtocol(String sql) throws SQLException {
        List<String> expected = answer(cluster.reference(), sql);
        try (Connection simple = cluster.connect();
             Connection extended = cluster.connect("preferQueryMode", "extended");
             Connection binary = cluster.connect("prepareThreshold", "-1")) {
            assertThat(answer(simple, sql)).as("simple: " + sql).containsExactlyElementsOf(expected);
            assertThat(answer(extended, sql)).as("extended: " + sql).containsExactlyElementsOf(expected);
            assertThat(ScatterCluster.answerPrepared(binary, sql)).as("binary: " + sql).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void describingThePreparedStatementShowsOnlyTheSelectedColumns() throws SQLException {
        String sql = "SELECT id, note FROM orders WHERE region = ? ORDER BY amount, id";
        try (Connection router = cluster.connect("prepareThreshold", "-1");
             PreparedStatement statement = router.prepareStatement(sql)) {
            ResultSetMetaData described = statement.getMetaData();
            assertThat(described.getColumnCount()).isEqualTo(2);
            assertThat(described.getColumnLabel(2)).isEqualTo("note");
            statement.setInt(1, 2);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.getMetaData().getColumnCount()).isEqualTo(2);
                List<Integer> ids = new ArrayList<>();
                while (rows.next()) {
                    ids.add(rows.getInt(1));
                }
                assertThat(ids).isNotEmpty().isEqualTo(idsOf(cluster.reference(),
                        "SELECT id FROM orders WHERE region = 2 ORDER BY amount, id"));
            }
        }
    }

    @Test
    void distinctWithAnItemOutsideTheSelectListGetsPostgresError() throws SQLException {
        try (Connection router = cluster.connect()) {
            SQLException error = catchThrowableOfType(SQLException.class,
                    () -> answer(router, "SELECT DISTINCT region FROM orders ORDER BY amount"));
            assertThat((Throwable) error).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("42P10"); // finished on one shard, which says it
            assertThat(error.getMessage()).contains("select list");
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "30");
        }
    }


    private static List<Integer> idsOf(Connection connection, String sql) throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (var statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                ids.add(rows.getInt(1));
            }
        }
        return ids;
    }
}
