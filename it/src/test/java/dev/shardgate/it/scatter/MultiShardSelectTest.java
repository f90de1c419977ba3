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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SELECTs without a sharding key (ALLOW) or with keys on both shards: the router's merged answer is
 * the answer of one server holding all rows — same columns, same rows, same order where ORDER BY
 * fixes it, same text for every value.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiShardSelectTest {
    /** 80 orders, half on each shard, with NULLs, ties, negative amounts, multibyte text and a DST change. */
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, customer text, amount numeric(10,2), qty int, big bigint,
                                 price float8, at timestamptz, day date, note varchar(20));
            """;
    static final String ROWS = """
            INSERT INTO orders
            SELECT id, CASE WHEN k % 7 = 0 THEN NULL WHEN k % 9 = 1 THEN 'é' || k % 3 WHEN k % 6 = 5 THEN 'B' ELSE 'c' || k % 5 END,
                   CASE WHEN k % 9 = 0 THEN NULL ELSE ((k * 3719) % 20000 - 5000) / 100.0 END,
                   k % 11, k::bigint * 123456789012, CASE WHEN k % 13 = 0 THEN NULL ELSE k * 0.25 + 0.5 END,
                   CASE WHEN k % 10 = 3 THEN NULL ELSE timestamptz '2024-03-30 20:00:00+00' + k * interval '37 minutes 11.25 seconds' END,
                   date '2023-12-25' + (k * 7) % 50,
                   CASE WHEN k % 4 = 0 THEN NULL ELSE 'n' || (k * 7) % 13 END
            FROM generate_series(0, 79) k, LATERAL (SELECT CASE WHEN k % 2 = 0 THEN k * 10 ELSE 1000 + k * 10 END AS id) i
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "scatter_select", SCHEMA, PoolMode.TRANSACTION);
        ScatterCluster.execute(cluster.shard(0), ROWS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), ROWS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), ROWS);
        for (Connection c : List.of(cluster.shard(0), cluster.shard(1), cluster.reference())) {
            ScatterCluster.execute(c, "SET TimeZone = 'Europe/Berlin'");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM orders ORDER BY id",
            "SELECT id, amount FROM orders ORDER BY amount DESC NULLS LAST, id",
            "SELECT id, amount FROM orders ORDER BY amount, id DESC",
            "SELECT id, customer FROM orders ORDER BY customer NULLS FIRST, id DESC",
            "SELECT id, customer AS who FROM orders ORDER BY who DESC, 1",
            "SELECT id, at FROM orders ORDER BY at DESC, id",
            "SELECT id, day, big FROM orders ORDER BY day, big DESC",
            "SELECT id, price, note FROM orders ORDER BY note DESC NULLS LAST, price NULLS FIRST, id",
            "SELECT * FROM orders ORDER BY qty DESC, id LIMIT 7 OFFSET 5",
            "SELECT id FROM orders ORDER BY id DESC LIMIT 10",
            "SELECT id, qty FROM orders ORDER BY qty, id OFFSET 70",
            "SELECT id, qty FROM orders ORDER BY qty, id OFFSET 3 ROWS FETCH FIRST 4 ROWS ONLY",
            "SELECT id FROM orders WHERE id IN (20, 1010, 40, 1030) ORDER BY id",
            "SELECT id FROM orders ORDER BY amount, id DESC",
            "SELECT id, at FROM orders ORDER BY qty DESC, id OFFSET 3 ROWS FETCH FIRST 4 ROWS ONLY",
            "SELECT count(*), sum(qty), sum(amount), min(customer), max(at), avg(qty), avg(amount), sum(big), avg(big),"
                    + " min(price), max(day), count(note) FROM orders",
            "SELECT count(*), avg(amount), max(id) FROM orders WHERE id > 100000",
            "SELECT customer, count(*), sum(amount), avg(qty) AS mean, min(day), max(id) FROM orders GROUP BY customer ORDER BY customer",
            "SELECT customer, count(*) AS n FROM orders GROUP BY 1 ORDER BY n DESC, customer LIMIT 3 OFFSET 1",
            "SELECT qty % 3 AS bucket, avg(amount), min(note) FROM orders GROUP BY qty % 3 ORDER BY avg(amount) DESC",
            "SELECT DISTINCT customer FROM orders ORDER BY customer",
            "SELECT DISTINCT qty, customer FROM orders ORDER BY customer DESC, qty LIMIT 5",
    })
    void orderedAnswersMatchOneServer(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "SET TimeZone = 'Europe/Berlin'");
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, customer, amount FROM orders",
            "SELECT * FROM orders WHERE qty > 5",
            "SELECT DISTINCT qty FROM orders",
            "SELECT customer, sum(qty), max(note) FROM orders GROUP BY customer",
            "SELECT id FROM orders LIMIT 0",
    })
    void unorderedAnswersHoldTheSameRows(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "SET TimeZone = 'Europe/Berlin'");
            assertThat(sorted(answer(router, sql))).as(sql).isEqualTo(sorted(answer(cluster.reference(), sql)));
        }
    }

    @Test
    void limitWithoutOrderGivesThatManyRows() throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, "SELECT id FROM orders LIMIT 15 OFFSET 30")).hasSize(16);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, rank() OVER (ORDER BY id) FROM orders",
            "SELECT count(DISTINCT customer) FROM orders",
            "SELECT customer, count(*) FROM orders GROUP BY customer HAVING count(*) > 2",
            "SELECT DISTINCT id FROM orders ORDER BY amount",
            "SELECT a.id FROM orders a JOIN orders b ON a.customer = b.customer",
            "SELECT id FROM orders WHERE qty = (SELECT max(qty) FROM orders)",
            "SELECT count(*) + 1 FROM orders",
            "SELECT id FROM orders UNION SELECT id FROM orders",
    })
    void whatTheMergeCannotComputeIsFinishedOnOneShard(String sql) throws SQLException {
        // SELECT DISTINCT … ORDER BY amount: PostgreSQL's own 42P10, from the finishing shard
        try (Connection router = cluster.connect()) {
            assertThat(ScatterCluster.answerOrError(router, sql, false)).as(sql)
                    .isEqualTo(ScatterCluster.answerOrError(cluster.reference(), sql, false));
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "80");
        }
    }

    @Test
    void aCancelRequestStopsEveryShard() throws Exception {
        try (Connection router = cluster.connect(); var statement = router.createStatement()) {
            var canceller = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(500);
                    statement.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            SQLException canceled = catchThrowableOfType(SQLException.class,
                    () -> statement.executeQuery("SELECT id, pg_sleep(0.2) FROM orders ORDER BY id"));
            canceller.join();
            assertThat(canceled.getSQLState()).isEqualTo("57014");
            assertThat(System.nanoTime() - start).isLessThan(4_000_000_000L); // 40 rows a shard would take 8 s
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "80");
        }
    }

    @Test
    void insideATransactionAMultiShardReadRunsInIt() throws SQLException {
        try (Connection router = cluster.connect()) {
            router.setAutoCommit(false);
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "80");
            router.rollback();
            router.setAutoCommit(true);
            assertThat(answer(router, "SELECT max(id) FROM orders")).containsExactly("max:int4", "1790");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1"})
    void preparedStatementsWithParametersMatchOneServer(String prepareThreshold) throws SQLException {
        List<String> queries = List.of(
                "SELECT id, amount FROM orders WHERE qty > ? ORDER BY amount DESC NULLS LAST, id",
                "SELECT customer, count(*), avg(amount), min(day) FROM orders WHERE id > ? GROUP BY customer ORDER BY customer",
                "SELECT id, customer FROM orders WHERE qty = ? ORDER BY id LIMIT 3",
                "SELECT id, at, day, big, amount, price FROM orders WHERE qty > ? ORDER BY at, id",
                "SELECT count(*), sum(big), avg(qty), max(at), min(price) FROM orders WHERE qty < ?");
        try (Connection router = cluster.connect("prepareThreshold", prepareThreshold)) {
            ScatterCluster.execute(router, "SET TimeZone = 'Europe/Berlin'");
            for (String sql : queries) {
                for (int parameter : new int[] {3, 7, 9, 5}) {
                    assertThat(prepared(router, sql, parameter)).as(sql + " with " + parameter)
                            .containsExactlyElementsOf(prepared(cluster.reference(), sql, parameter));
                }
            }
            // finished on one shard, with its parameter
            assertThat(prepared(router, "SELECT id, rank() OVER (ORDER BY id) FROM orders WHERE qty > ? ORDER BY id", 1))
                    .containsExactlyElementsOf(prepared(cluster.reference(),
                            "SELECT id, rank() OVER (ORDER BY id) FROM orders WHERE qty > ? ORDER BY id", 1));
            assertThat(prepared(router, "SELECT count(*) FROM orders WHERE qty > ?", 1))
                    .containsExactlyElementsOf(prepared(cluster.reference(), "SELECT count(*) FROM orders WHERE qty > ?", 1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1"})
    void boundLimitOffsetAndKeyRangesMatchOneServer(String prepareThreshold) throws SQLException {
        List<String> queries = List.of(
                "SELECT id, qty FROM orders WHERE id BETWEEN ? AND ? ORDER BY qty DESC, id LIMIT ? OFFSET ?",
                "SELECT id FROM orders WHERE id >= ? AND id < ? OR id = ANY(ARRAY[?, ?]) ORDER BY id DESC LIMIT ? OFFSET ?",
                "SELECT customer, count(*) FROM orders WHERE id > ? AND id < ? + 0 OR id < ? + ? GROUP BY customer ORDER BY customer LIMIT ? OFFSET ?");
        int[][] parameters = {{5, 1500, 4, 3}, {990, 1010, 40, 0}, {1200, 1700, 2, 5}, {0, 99999, 10, 0}};
        try (Connection router = cluster.connect("prepareThreshold", prepareThreshold)) {
            for (String sql : queries) {
                for (int[] values : parameters) {
                    int[] all = sql.contains("ANY") ? new int[] {values[0], values[1], 20, 1700, values[2], values[3]}
                            : sql.contains("GROUP") ? new int[] {values[0], values[1], 3, 4, values[2], values[3]} : values;
                    assertThat(prepared(router, sql, all)).as(sql + " with " + java.util.Arrays.toString(all))
                            .containsExactlyElementsOf(prepared(cluster.reference(), sql, all));
                }
            }
            String negative = "SELECT id FROM orders ORDER BY id LIMIT ?";
            SQLException refused = catchThrowableOfType(SQLException.class, () -> prepared(router, negative, -1));
            assertThat(refused.getSQLState()).isEqualTo("2201W");
        }
    }

    private static List<String> prepared(Connection connection, String sql, int... parameters) throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setInt(i + 1, parameters[i]);
            }
            try (var rows = statement.executeQuery()) {
                var meta = rows.getMetaData();
                List<String> lines = new ArrayList<>();
                while (rows.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        // typed values: text and binary transfer print floats and timestamps differently in pgjdbc
                        line.append(c > 1 ? "|" : "").append(rows.getObject(c));
                    }
                    lines.add(line.toString());
                }
                lines.addFirst(meta.getColumnLabel(1) + ":" + meta.getColumnTypeName(1));
                return lines;
            }
        }
    }

    private static List<String> sorted(List<String> answer) {
        List<String> rows = new ArrayList<>(answer.subList(1, answer.size()));
        Collections.sort(rows);
        rows.addFirst(answer.getFirst());
        return rows;
    }
}
