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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SELECTs that neither pushdown nor the streaming merge answer are finished on one shard from the
 * rows they pull, and give what one server holding every row gives, over both protocols, inside a
 * transaction that wrote rows too. Schema of {@link PushdownTest}: orders and items in ds1 (joinable
 * on orders.id = items.order_id), accounts in ds2, regions a reference relation; and bulk (ds1), whose
 * rows exceed the router's max_intermediate_result_size of 16kB.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinishOnShardTest {
    private static final String BULK = "INSERT INTO bulk SELECT g, repeat('x', 100) FROM generate_series(1, 999) g";

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "finish", PushdownTest.SCHEMA + "CREATE TABLE bulk (id int, pad text);"
                        + "CREATE TABLE labels (id int PRIMARY KEY, label text COLLATE \"und-x-icu\");",
                PoolMode.TRANSACTION, config -> config.maxIntermediateResultSize(16 << 10));
        ScatterCluster.execute(cluster.shard(0), PushdownTest.ORDERS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), PushdownTest.ORDERS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), PushdownTest.ORDERS);
        cluster.onShardsAndReference(PushdownTest.ITEMS);
        ScatterCluster.execute(cluster.shard(0), "INSERT INTO accounts SELECT g * 10, 'acct' || g FROM generate_series(0, 40) g");
        ScatterCluster.execute(cluster.reference(), "INSERT INTO accounts SELECT g * 10, 'acct' || g FROM generate_series(0, 40) g");
        String low = "(1, 'b'), (2, 'A'), (3, 'é')";
        String high = "(1001, 'a'), (1002, 'B'), (1003, 'e'), (1004, NULL)";
        ScatterCluster.execute(cluster.shard(0), "INSERT INTO labels VALUES " + low);
        ScatterCluster.execute(cluster.shard(1), "INSERT INTO labels VALUES " + high);
        ScatterCluster.execute(cluster.reference(), "INSERT INTO labels VALUES " + low + ", " + high);
        ScatterCluster.execute(cluster.shard(0), BULK);
        ScatterCluster.execute(cluster.reference(), BULK);
        try (Connection console = cluster.console()) {
            ScatterCluster.execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION items DISTRIBUTION KEY order_id");
            ScatterCluster.execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION bulk DISTRIBUTION KEY id");
            ScatterCluster.execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION labels DISTRIBUTION KEY id");
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
            // HAVING over groups merged from several shards
            "SELECT customer, count(*) FROM orders GROUP BY customer HAVING count(*) > 9",
            // an aggregate expression
            "SELECT region, sum(id) / count(*) AS mean, max(id) - min(id) AS spread FROM orders GROUP BY region",
            // a window over rows of every shard
            "SELECT id, row_number() OVER (ORDER BY id), sum(id) OVER (PARTITION BY customer) FROM orders",
            // set operations
            "SELECT customer FROM orders UNION SELECT sku FROM items",
            "SELECT order_id FROM items INTERSECT SELECT id FROM orders WHERE region = 'n'",
            "SELECT id FROM orders EXCEPT ALL SELECT order_id FROM items",
            // DISTINCT ON off the key, GROUPING SETS, an ORDER BY expression
            "SELECT DISTINCT ON (customer) customer, id FROM orders ORDER BY customer, id DESC",
            "SELECT customer, region, count(*) FROM orders GROUP BY GROUPING SETS ((customer), (region), ())",
            "SELECT id FROM orders ORDER BY id % 7, id LIMIT 9",
            // joins of relations that are not co-located: off the key, and with another distribution
            "SELECT o.id, i.line FROM orders o JOIN items i ON i.line = o.id / 10",
            "SELECT o.id, a.name FROM orders o JOIN accounts a ON a.id = o.id WHERE o.customer = 'a'",
            "SELECT o.id, a.name FROM orders o LEFT JOIN accounts a ON a.id = o.id + 1000 WHERE a.name IS NULL",
            "SELECT o.id FROM orders o WHERE o.id NOT IN (SELECT order_id FROM items)",
            // a reference relation read in place on the finishing shard
            "SELECT r.name, count(*) FROM orders o JOIN regions r ON r.code = o.region GROUP BY r.name HAVING count(*) > 1",
            // stars
            "SELECT o.*, i.* FROM orders o JOIN items i ON i.sku = o.customer || 'x' OR i.line = 1 ORDER BY o.id, i.order_id, i.line",
    })
    void answersAsOneServerInBothProtocols(String sql) throws SQLException {
        List<String> expected = sorted(answer(cluster.reference(), sql));
        try (Connection simple = cluster.connect(); Connection extended = cluster.connect("preferQueryMode", "extended")) {
            assertThat(sorted(answer(simple, sql))).as(sql).containsExactlyElementsOf(expected);
            assertThat(sorted(ScatterCluster.answerPrepared(extended, sql))).as(sql).containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, label FROM labels ORDER BY label, id",
            "SELECT min(label), max(label), count(*) FROM labels",
            "SELECT label FROM labels ORDER BY label DESC NULLS LAST LIMIT 3",
    })
    void textInACollationTheMergeCannotOrderIsFinishedOnOneShard(String sql) throws SQLException {
        // the merge orders text by bytes only; the shards' catalogs say label is in ICU's root locale
        List<String> expected = answer(cluster.reference(), sql);
        try (Connection simple = cluster.connect(); Connection extended = cluster.connect("preferQueryMode", "extended")) {
            assertThat(answer(simple, sql)).as(sql).containsExactlyElementsOf(expected);
            assertThat(ScatterCluster.answerPrepared(extended, sql)).as(sql).containsExactlyElementsOf(expected);
            extended.setAutoCommit(false);
            assertThat(ScatterCluster.answerPrepared(extended, sql)).as(sql + " in a transaction").containsExactlyElementsOf(expected);
            extended.rollback();
        }
    }

    @Test
    void boundParametersReachTheFinishingShard() throws SQLException {
        String sql = "SELECT customer, count(*) FROM orders WHERE id > ? GROUP BY customer HAVING count(*) > ? ORDER BY 1";
        try (Connection router = cluster.connect("preferQueryMode", "extended")) {
            assertThat(bound(router, sql, 100, 3)).isEqualTo(bound(cluster.reference(), sql, 100, 3)).isNotEmpty();
        }
    }

    @Test
    void aTransactionSeesItsOwnUncommittedRowsInBothProtocols() throws SQLException {
        String[] writes = {
                "INSERT INTO orders VALUES (7, 'z', 'n')",
                "INSERT INTO orders VALUES (1007, 'z', 's')",
                "INSERT INTO items VALUES (1007, 1, 'z', 4)",
                "UPDATE regions SET name = 'NORTH' WHERE code = 'n'",
        };
        String sql = "SELECT o.customer, r.name, count(*) FROM orders o JOIN regions r ON r.code = o.region"
                + " JOIN items i ON i.sku = o.customer GROUP BY o.customer, r.name HAVING count(*) >= 1";
        for (String mode : List.of("simple", "extended")) {
            try (Connection router = cluster.connect("preferQueryMode", mode)) {
                router.setAutoCommit(false);
                cluster.reference().setAutoCommit(false);
                for (String write : writes) {
                    ScatterCluster.execute(router, write);
                    ScatterCluster.execute(cluster.reference(), write);
                }
                List<String> expected = sorted(answer(cluster.reference(), sql));
                assertThat(expected).as("the written rows take part").contains("z|NORTH|1", "z|south|1");
                assertThat(sorted(mode.equals("simple") ? answer(router, sql) : ScatterCluster.answerPrepared(router, sql)))
                        .as(mode).containsExactlyElementsOf(expected);
                router.rollback();
                cluster.reference().rollback();
                cluster.reference().setAutoCommit(true);
            }
        }
    }

    @Test
    void rowsBeyondMaxIntermediateResultSizeAreRefusedByName() throws SQLException {
        try (Connection router = cluster.connect()) {
            SQLException error = catchThrowableOfType(SQLException.class,
                    () -> answer(router, "SELECT pad, count(*) FROM bulk GROUP BY pad HAVING count(*) > 1"));
            assertThat((Throwable) error).isNotNull();
            assertThat(error.getSQLState()).isEqualTo("0A000");
            assertThat(error.getMessage()).contains("max_intermediate_result_size (16 kB)");
            // a filter that goes with the pull keeps it small; the session goes on
            assertThat(answer(router, "SELECT pad, count(*) FROM bulk WHERE id < 20 GROUP BY pad HAVING count(*) > 1"))
                    .containsExactly("pad:text|count:int8", "x".repeat(100) + "|19");
        }
    }

    @Test
    void explainRouteSaysWhereItFinishesAndWhatItPulls() throws SQLException {
        try (Connection router = cluster.connect()) {
            String explained = String.join("\n", answer(router, "EXPLAIN ROUTE SELECT o.id, a.name FROM orders o"
                    + " JOIN accounts a ON a.id = o.id WHERE o.customer = 'a'"));
            assertThat(explained).contains("finish on shard sh1: pulls orders o from sh1, sh2 (columns it names;"
                    + " filter (\"o\".\"customer\" = 'a')), accounts a from sh1 (columns it names)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT o.id FROM orders o JOIN items i ON i.line = o.id FOR UPDATE OF o",
            "SELECT o, i.line FROM orders o JOIN items i ON i.line = o.id", // o's row type would be the temporary table's
            "WITH gone AS (DELETE FROM items WHERE qty = 99 RETURNING order_id) SELECT o.id FROM orders o JOIN gone g ON g.order_id = o.id + 1",
    })
    void lockingAndWritingStatementsStayRefused(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            SQLException error = catchThrowableOfType(SQLException.class, () -> answer(router, sql));
            assertThat((Throwable) error).as(sql).isNotNull();
            assertThat(error.getSQLState()).as(sql).isEqualTo("0A000");
        }
    }

    private static List<String> bound(Connection connection, String sql, int first, int second) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, first);
            statement.setInt(2, second);
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + "|" + result.getLong(2));
                }
            }
            return rows;
        }
    }

    /** The header first, then the rows in a fixed order. */
    private static List<String> sorted(List<String> lines) {
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        Collections.sort(rows);
        rows.addFirst(lines.getFirst());
        return rows;
    }
}
