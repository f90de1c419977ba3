package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cost of the three ways a SELECT over several shards runs — pushdown, the streaming merge and
 * finishing on one shard — against the same SELECT on one PostgreSQL holding every row (the
 * reference database on the first server). Started by {@code bench/finish-compare} (skipped
 * otherwise); the table goes to stdout and {@code it/target/finish-compare.md}.
 */
@RealPostgres(servers = 2)
@EnabledIfSystemProperty(named = "finishbench", matches = "run")
class FinishBenchmarkTest {
    private static final int ROWS = Integer.getInteger("finishbench.rows", 100_000);
    private static final int RUNS = Integer.getInteger("finishbench.runs", 15);
    private static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, customer int, amount numeric);
            CREATE TABLE items (order_id int, line int, qty int, PRIMARY KEY (order_id, line));
            """;

    private record Case(String path, String sql) {
    }

    private static final List<Case> CASES = List.of(
            new Case("pushdown", "SELECT o.id, sum(i.qty) FROM orders o JOIN items i ON i.order_id = o.id GROUP BY o.id"
                    + " ORDER BY 2 DESC, 1 LIMIT 10"),
            new Case("streaming merge", "SELECT customer, count(*), sum(amount) FROM orders GROUP BY customer"),
            new Case("finish on shard", "SELECT customer, count(*), sum(amount) FROM orders GROUP BY customer"
                    + " HAVING count(*) > 50"),
            new Case("finish on shard (filtered)", "SELECT customer, sum(amount) / count(*) FROM orders WHERE customer < 100"
                    + " GROUP BY customer"),
            new Case("finish on shard (join off key)", "SELECT count(*) FROM orders o JOIN items i ON i.line = o.customer"));

    @Test
    void compare(PostgresServers servers) throws SQLException, IOException {
        String load = "INSERT INTO orders SELECT g, g % 1000, (g % 97) * 1.25 FROM generate_series(0, " + (ROWS - 1) + ") g";
        String items = "INSERT INTO items SELECT o.id, l, (o.id + l) % 7 FROM orders o, generate_series(1, 2) l";
        try (ScatterCluster cluster = ScatterCluster.start(servers, "finishbench", SCHEMA, PoolMode.TRANSACTION)) {
            int half = ROWS / 2;
            // the cluster's ranges split at 1000; split at half instead, so each shard holds half the rows
            try (Connection console = cluster.console()) {
                ScatterCluster.execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION items DISTRIBUTION KEY order_id");
                ScatterCluster.execute(console, "DROP KEY RANGE kr1");
                ScatterCluster.execute(console, "DROP KEY RANGE kr2");
                ScatterCluster.execute(console, "CREATE KEY RANGE kr2 FROM " + half + " ROUTE TO sh2 FOR DISTRIBUTION ds1");
                ScatterCluster.execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
            }
            ScatterCluster.execute(cluster.shard(0), load + " WHERE g < " + half);
            ScatterCluster.execute(cluster.shard(1), load + " WHERE g >= " + half);
            ScatterCluster.execute(cluster.reference(), load);
            cluster.onShardsAndReference(items);
            cluster.onShardsAndReference("ANALYZE");
            List<String> lines = new ArrayList<>();
            lines.add("| path | statement | one PostgreSQL, ms | router, ms | ratio |");
            lines.add("|---|---|---:|---:|---:|");
            try (Connection router = cluster.connect()) {
                for (Case c : CASES) {
                    assertThat(rows(router, c.sql())).as(c.sql()).isEqualTo(rows(cluster.reference(), c.sql()));
                    double direct = median(cluster.reference(), c.sql());
                    double routed = median(router, c.sql());
                    lines.add(String.format(Locale.ROOT, "| %s | `%s` | %.1f | %.1f | %.1f× |", c.path(), c.sql(), direct,
                            routed, routed / direct));
                }
            }
            lines.add("");
            lines.add(ROWS + " orders and " + (2 * ROWS) + " items, about half on each of two shards; one PostgreSQL:"
                    + " the same rows in one database of the first server; median of " + RUNS + " runs after 3 warm-up runs,"
                    + " simple protocol, one client");
            lines.forEach(System.out::println);
            Files.write(Path.of("target", "finish-compare.md"), lines);
        }
    }

    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int c = 1; c <= columns; c++) {
                    row.append(result.getString(c)).append('|');
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }

    private static double median(Connection connection, String sql) throws SQLException {
        for (int i = 0; i < 3; i++) {
            rows(connection, sql);
        }
        double[] millis = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            rows(connection, sql);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return millis[RUNS / 2];
    }
}
