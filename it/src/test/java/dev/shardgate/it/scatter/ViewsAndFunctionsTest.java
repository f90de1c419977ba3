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
 * Views and functions over a distributed relation: the router sees through them to the relation, and
 * answers what one server holding every row answers, or refuses (0A000, naming the view or function);
 * it never answers for one shard alone.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ViewsAndFunctionsTest {
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, customer text, amount numeric(10,2), region text);
            CREATE TABLE regions (code text PRIMARY KEY, name text);
            CREATE VIEW big_orders AS SELECT id, customer, amount * 2 AS doubled FROM orders WHERE amount > 20;
            CREATE VIEW big_orders_of_a AS SELECT id, doubled FROM big_orders WHERE customer = 'a';
            CREATE VIEW orders_with_region AS SELECT o.id, r.name FROM orders o JOIN regions r ON r.code = o.region;
            CREATE VIEW order_totals AS SELECT customer, sum(amount) AS total FROM orders GROUP BY customer;
            CREATE VIEW first_orders AS SELECT id FROM orders ORDER BY id LIMIT 3;
            CREATE VIEW totals_of_totals AS SELECT count(*) FROM order_totals;
            CREATE MATERIALIZED VIEW order_count AS SELECT count(*) AS n FROM orders;
            CREATE VIEW constants AS SELECT 1 AS one;
            CREATE FUNCTION count_orders() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM orders';
            CREATE FUNCTION count_big() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM big_orders';
            CREATE FUNCTION count_standard() RETURNS bigint LANGUAGE sql RETURN (SELECT count(*) FROM orders);
            CREATE FUNCTION calls_count() RETURNS bigint LANGUAGE sql AS 'SELECT count_orders() + 0';
            CREATE FUNCTION pl_count() RETURNS bigint LANGUAGE plpgsql AS $$BEGIN RETURN (SELECT count(*) FROM orders); END$$;
            CREATE FUNCTION double_it(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';
            CREATE FUNCTION region_name(text) RETURNS text LANGUAGE sql AS 'SELECT name FROM regions WHERE code = $1';
            INSERT INTO regions VALUES ('n', 'north'), ('s', 'south');
            """;
    static final String ROWS = """
            INSERT INTO orders SELECT id, CASE WHEN k % 3 = 0 THEN 'a' ELSE 'b' END, k * 1.5, CASE WHEN k % 2 = 0 THEN 'n' ELSE 's' END
            FROM generate_series(0, 39) k, LATERAL (SELECT CASE WHEN k % 2 = 0 THEN k * 10 ELSE 1000 + k * 10 END AS id) i
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "scatter_views", SCHEMA, PoolMode.TRANSACTION);
        ScatterCluster.execute(cluster.shard(0), ROWS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), ROWS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), ROWS);
        cluster.onShardsAndReference("REFRESH MATERIALIZED VIEW order_count");
        try (Connection console = cluster.console()) {
            ScatterCluster.execute(console, "CREATE REFERENCE TABLE regions");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT count(*) FROM big_orders",
            "SELECT * FROM big_orders ORDER BY id",
            "SELECT customer, count(*), sum(doubled) FROM big_orders GROUP BY customer ORDER BY customer",
            "SELECT count(*), max(doubled) FROM big_orders_of_a",
            "SELECT count(*) FROM orders_with_region WHERE name = 'north'",
            "SELECT double_it(21)",
            "SELECT region_name('s')",
            "SELECT * FROM constants",
    })
    void aViewThatFiltersOneDistributedRelationAnswersForAllShards(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql));
        }
    }

    @Test
    void aJoinWithAFilteringViewOffTheKeyIsFinishedOnOneShard() throws SQLException {
        String sql = "SELECT o.id, b.id FROM orders o JOIN big_orders b ON b.customer = o.customer WHERE o.id = 20";
        try (Connection router = cluster.connect()) {
            assertThat(ScatterCluster.answerOrError(router, sql, false))
                    .isEqualTo(ScatterCluster.answerOrError(cluster.reference(), sql, false));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM order_totals",
            "SELECT * FROM first_orders",
            "SELECT * FROM totals_of_totals",
            "SELECT n FROM order_count",
    })
    void aViewThatCannotBeSplitByShardIsRefusedByName(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            SQLException error = refusal(router, sql);
            assertThat(error.getMessage()).as(sql).containsPattern("view (order_totals|first_orders|totals_of_totals|order_count|big_orders)");
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "40");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"count_orders", "count_big", "calls_count"})
    void aSelectCallingAnSqlFunctionOverADistributedRelationIsFinishedOnOneShard(String function) throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : new String[] {"SELECT " + function + "()", "SELECT id, " + function + "() FROM orders WHERE id = 1010"}) {
                // a key chooses the shard for orders, not for what the function reads: it reads every shard's rows
                assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"count_standard", "pl_count"})
    void aFunctionThatMayReadADistributedRelationAndCannotBeCopiedIsRefusedByName(String function) throws SQLException {
        try (Connection router = cluster.connect()) {
            for (String sql : new String[] {"SELECT " + function + "()", "SELECT id, " + function + "() FROM orders WHERE id = 1010"}) {
                // a key chooses the shard for orders, not for what the function reads
                SQLException error = refusal(router, sql);
                assertThat(error.getMessage()).as(sql).contains("function public." + function);
                assertThat(((org.postgresql.util.PSQLException) error).getServerErrorMessage().getHint()).contains("__spqr__execute_on");
            }
        }
    }

    @Test
    void theExtendedProtocolSeesThroughViewsWithBoundKeys() throws SQLException {
        try (Connection router = cluster.connect("prepareThreshold", "1");
             var byKey = router.prepareStatement("SELECT customer, doubled FROM big_orders WHERE id = ?");
             var all = router.prepareStatement("SELECT count(*) FROM big_orders")) {
            for (int run = 0; run < 3; run++) {
                byKey.setInt(1, 1150);
                try (var rows = byKey.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString(1)).isEqualTo("a");
                    assertThat(rows.getBigDecimal(2)).isEqualByComparingTo("45.00");
                    assertThat(rows.next()).isFalse();
                }
                try (var rows = all.executeQuery()) {
                    rows.next();
                    assertThat(rows.getLong(1)).isEqualTo(Long.parseLong(answer(cluster.reference(), "SELECT count(*) FROM big_orders").get(1)));
                }
            }
        }
    }

    @Test
    void aShardNamedOnPurposeRunsTheFunctionThere() throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, "/*__spqr__execute_on: sh2*/ SELECT pl_count()")).containsExactly("pl_count:int8", "20");
            assertThat(answer(router, "/*__spqr__execute_on: sh2*/ SELECT count_orders() FROM orders WHERE id = 1010"))
                    .containsExactly("count_orders:int8", "20");
            assertThat(answer(router, "SELECT double_it(id) FROM orders WHERE id = 1010")).containsExactly("double_it:int4", "2020");
        }
    }

    @Test
    void writesThroughAFilteringViewReachEveryShardAndInsertsAreRefused() throws SQLException {
        String update = "UPDATE big_orders SET customer = customer WHERE customer = 'a'";
        try (Connection router = cluster.connect(); var viaRouter = router.createStatement();
             var onReference = cluster.reference().createStatement()) {
            assertThat(viaRouter.executeUpdate(update)).isEqualTo(onReference.executeUpdate(update)).isPositive();
            SQLException error = refusal(router, "INSERT INTO big_orders (id, customer) VALUES (5000, 'z')");
            assertThat(error.getMessage()).contains("INSERT into view big_orders");
        }
    }

    @Test
    void underBlockAViewWithoutKeyIsRefusedLikeItsRelation() throws SQLException {
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "SET __spqr__default_route_behaviour = BLOCK");
            SQLException error = refusal(router, "SELECT count(*) FROM big_orders");
            assertThat(error.getMessage()).contains("orders");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM big_orders WHERE id = 1150",
            "SELECT * FROM big_orders WHERE id IN (200, 1150, 1210) ORDER BY id",
            "SELECT id, doubled FROM big_orders_of_a WHERE id = 1270",
            "SELECT o.id, b.doubled FROM orders o JOIN big_orders b ON b.id = o.id WHERE o.id = 1330",
    })
    void aViewQueriedByTheKeyItShowsIsRoutedByIt(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "SET __spqr__default_route_behaviour = BLOCK");
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql)).hasSizeGreaterThan(1);
            assertThat(answer(router, "EXPLAIN ROUTE " + sql).toString()).contains("view");
        }
    }

    @Test
    void viewsCreatedAndReplacedThroughTheRouterAreSeenAtOnce() throws SQLException {
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "CREATE VIEW later AS SELECT id FROM orders WHERE id < 100");
            ScatterCluster.execute(cluster.reference(), "CREATE VIEW later AS SELECT id FROM orders WHERE id < 100");
            String sql = "SELECT count(*) FROM later";
            assertThat(answer(router, sql)).containsExactlyElementsOf(answer(cluster.reference(), sql));
            ScatterCluster.execute(router, "CREATE OR REPLACE VIEW later AS SELECT id FROM orders WHERE id < 100 ORDER BY id");
            assertThat(refusal(router, sql).getMessage()).contains("view later");
            ScatterCluster.execute(router, "DROP VIEW later");
            ScatterCluster.execute(cluster.reference(), "DROP VIEW later");
            for (int shard = 0; shard < 2; shard++) {
                assertThat(answer(cluster.shard(shard), "SELECT count(*) FROM pg_views WHERE viewname = 'later'"))
                        .as("DDL on a view over a distributed relation runs on every shard").containsExactly("count:int8", "0");
            }
        }
    }

    @Test
    void insideATransactionBlockAViewAnswersForAllShardsToo() throws SQLException {
        try (Connection router = cluster.connect()) {
            ScatterCluster.execute(router, "BEGIN");
            String sql = "SELECT count(*) FROM big_orders";
            assertThat(answer(router, sql)).containsExactlyElementsOf(answer(cluster.reference(), sql));
            ScatterCluster.execute(router, "COMMIT");
        }
    }

    private static SQLException refusal(Connection router, String sql) {
        SQLException error = catchThrowableOfType(SQLException.class, () -> answer(router, sql));
        assertThat((Throwable) error).as(sql).isNotNull();
        assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo("0A000");
        return error;
    }

    static List<String> sorted(List<String> lines) {
        List<String> rows = new ArrayList<>(lines);
        Collections.sort(rows);
        return rows;
    }
}
