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
 * Statements over relations co-located on their distribution key run whole on each shard and give
 * what one server holding every row gives, over both protocols; joins off the key are refused with
 * 0A000 naming the relations. orders and items share distribution ds1 (orders.id, items.order_id);
 * accounts is in ds2; regions is a reference relation.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushdownTest {
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, customer text, region text);
            CREATE TABLE items (order_id int, line int, sku text, qty int, PRIMARY KEY (order_id, line));
            CREATE TABLE accounts (id int PRIMARY KEY, name text);
            CREATE TABLE regions (code text PRIMARY KEY, name text);
            INSERT INTO regions VALUES ('n', 'north'), ('s', 'south');
            """;
    static final String ORDERS = """
            INSERT INTO orders SELECT id, CASE WHEN k % 3 = 0 THEN 'a' ELSE 'b' END, CASE WHEN k % 2 = 0 THEN 'n' ELSE 's' END
            FROM generate_series(0, 29) k, LATERAL (SELECT CASE WHEN k % 2 = 0 THEN k * 10 ELSE 1000 + k * 10 END AS id) i
            """;
    static final String ITEMS = """
            INSERT INTO items SELECT o.id, l, 'sku' || ((o.id + l) % 4), (o.id / 10 + l) % 5
            FROM orders o, generate_series(1, 3) l WHERE (o.id / 10) % 4 <> 1 AND l <= 1 + (o.id / 10) % 3
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "pushdown", SCHEMA, PoolMode.TRANSACTION);
        ScatterCluster.execute(cluster.shard(0), ORDERS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), ORDERS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), ORDERS);
        cluster.onShardsAndReference(ITEMS);
        try (Connection console = cluster.console()) {
            ScatterCluster.execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION items DISTRIBUTION KEY order_id");
            ScatterCluster.execute(console, "CREATE DISTRIBUTION ds2 COLUMN TYPES integer");
            ScatterCluster.execute(console, "ALTER DISTRIBUTION ds2 ATTACH RELATION accounts DISTRIBUTION KEY id");
            ScatterCluster.execute(console, "CREATE KEY RANGE kr_ds2 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds2");
            ScatterCluster.execute(console, "CREATE REFERENCE TABLE regions");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT o.id, i.line, i.sku FROM orders o JOIN items i ON i.order_id = o.id",
            "SELECT o.id, i.sku FROM orders o LEFT JOIN items i ON i.order_id = o.id AND i.qty > 1",
            "SELECT o.id, count(i.line) FROM orders o LEFT JOIN items i ON o.id = i.order_id GROUP BY o.id HAVING count(i.line) <> 1",
            "SELECT o.id, count(DISTINCT i.sku), string_agg(i.sku, ',' ORDER BY i.line) FROM orders o JOIN items i ON i.order_id = o.id GROUP BY o.id",
            "SELECT id, a.customer, b.region FROM orders a JOIN orders b USING (id)",
            "SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id)",
            "SELECT o.id, (SELECT sum(qty) FROM items i WHERE i.order_id = o.id) FROM orders o",
            "SELECT id, customer FROM orders WHERE id IN (SELECT order_id FROM items WHERE qty = 0)",
            "WITH big AS (SELECT order_id, sum(qty) AS total FROM items GROUP BY order_id) SELECT o.id, b.total, r.name"
                    + " FROM orders o JOIN big b ON b.order_id = o.id JOIN regions r ON r.code = o.region",
            "SELECT order_id, line, rank() OVER (PARTITION BY order_id ORDER BY qty, line) FROM items",
            "SELECT count(*), sum(i.qty) FROM orders o JOIN items i ON i.order_id = o.id WHERE o.customer = 'a'",
    })
    void coLocatedStatementsAnswerAsOneServer(String sql) throws SQLException {
        List<String> expected = sorted(answer(cluster.reference(), sql));
        try (Connection simple = cluster.connect(); Connection extended = cluster.connect("preferQueryMode", "extended")) {
            assertThat(sorted(answer(simple, sql))).as(sql).containsExactlyElementsOf(expected);
            assertThat(sorted(ScatterCluster.answerPrepared(extended, sql))).as(sql).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void orderAndLimitApplyToTheMergedRows() throws SQLException {
        String sql = "SELECT DISTINCT ON (order_id) order_id, sku, line FROM items ORDER BY order_id DESC, line DESC LIMIT 7";
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, sql)).containsExactlyElementsOf(answer(cluster.reference(), sql));
        }
    }

    @Test
    void explainRouteSaysPushdown() throws SQLException {
        try (Connection router = cluster.connect()) {
            String explained = String.join("\n", answer(router, "EXPLAIN ROUTE SELECT o.id FROM orders o JOIN items i ON i.order_id = o.id"));
            assertThat(explained).contains("sh1|", "sh2|", "pushdown: each shard answers alone (distribution ds1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT o.id FROM orders o JOIN items i ON i.line = o.id FOR UPDATE",
            "SELECT o.id FROM orders o JOIN accounts a ON a.id = o.id FOR SHARE",
    })
    void lockingJoinsOffTheKeyAreRefusedByName(String sql) throws SQLException {
        // joins off the key are finished on one shard (FinishOnShardTest); locking the rows there is not possible
        try (Connection router = cluster.connect()) {
            SQLException error = catchThrowableOfType(SQLException.class, () -> answer(router, sql));
            assertThat((Throwable) error).as(sql).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("0A000");
            assertThat(error.getMessage()).containsPattern("orders|subquery");
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "30");
        }
    }


    /** The header first, then the rows in a fixed order: these statements do not order their rows. */
    private static List<String> sorted(List<String> lines) {
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.sort(rows);
        rows.addFirst(lines.getFirst());
        return rows;
    }
}
