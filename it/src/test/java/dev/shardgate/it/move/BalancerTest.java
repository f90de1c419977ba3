package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The continuous balancer (coordinator.yaml's {@code balancer} section) on three shards. It is off
 * until RELOAD reads it enabled; then a distribution whose rows all sit on sh1 is evened by the
 * balancer alone, one move per round ({@code max_moves: 1}), with every row once; a distribution
 * already even is left as it is.
 */
@RealPostgres(servers = 3)
class BalancerTest {
    private static final int ORDERS = 30_000;
    private static final String CONSOLE_RULES = """
            frontend_rules:
              - db: shardgate_console
                usr: mover
                auth_rule:
                  auth_method: ok
            """;

    private static final String FAIL_AT = "shardgate.move.fail_at";

    @TempDir
    Path dir;
    private MoveCluster cluster;

    @AfterEach
    void stop() {
        System.clearProperty(FAIL_AT);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theBalancerAloneEvensASkewedDistributionOneMovePerRound(PostgresServers servers) throws Exception {
        String before = skewed(servers, "balancer_skewed");
        try (Connection console = cluster.console()) {
            attachOneRange(console);
            assertThat(rows(console, "SHOW balancer")).containsExactly("ds1|off|balancer.enabled is false|null|null|null");
            enableBalancer(console);

            MoveCluster.await("the balancer evens ds1", 180_000, () -> {
                try {
                    return balancerState(console).equals("balanced") && isEven();
                } catch (SQLException e) {
                    return false;
                }
            });

            assertThat(sumOverShards()).isEqualTo(before);
            assertThat(rows(console, "CHECK DISTRIBUTION ds1")).hasSize(3).allMatch(row -> row.endsWith("|0"));
            assertThat(rows(console, "SHOW key_ranges")).hasSize(3)
                    .anyMatch(row -> row.contains("|sh1|")).anyMatch(row -> row.contains("|sh2|"))
                    .anyMatch(row -> row.contains("|sh3|"));
            // the last round ran one split and one move: max_moves bounds a round, so it took two
            List<String> lastRound = rows(console, "SHOW rebalance");
            assertThat(lastRound).hasSize(2).allMatch(row -> row.startsWith("ds1|") && row.endsWith("|done|null"));
            assertThat(lastRound.get(1)).contains("|MOVE|");
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(rows(console, "SHOW balancer")).singleElement().satisfies(row ->
                    assertThat(row).startsWith("ds1|balanced|every shard within 10% of the mean|").contains("|nothing to move|"));
        }
    }

    @Test
    void aFailedTaskGroupHoldsTheBalancerUntilTheOperatorRetriesIt(PostgresServers servers) throws Exception {
        String before = skewed(servers, "balancer_held");
        try (Connection console = cluster.console()) {
            attachOneRange(console);
            System.setProperty(FAIL_AT, "copy:1");
            enableBalancer(console);

            MoveCluster.await("the balancer holds ds1", 60_000, () -> {
                try {
                    return balancerState(console).equals("held");
                } catch (SQLException e) {
                    return false;
                }
            });
            List<String> groups = rows(console, "SHOW task_group");
            assertThat(groups).singleElement().satisfies(row -> assertThat(row).startsWith("tg1|").contains("|ERROR|"));
            // still held at later looks: next_run moves on, nothing else is planned or moved
            String due = nextRun(console);
            MoveCluster.await("the balancer looks at ds1 again", 60_000, () -> {
                try {
                    String next = nextRun(console);
                    return next != null && !next.equals(due);
                } catch (SQLException e) {
                    return false;
                }
            });
            assertThat(rows(console, "SHOW balancer")).singleElement().satisfies(row ->
                    assertThat(row).startsWith("ds1|held|task group tg1 failed: ").contains("RETRY TASK GROUP tg1"));
            assertThat(rows(console, "SHOW task_group")).singleElement().satisfies(row -> assertThat(row).startsWith("tg1|"));
            assertThat(rows(console, "SHOW rebalance")).hasSize(2);

            System.clearProperty(FAIL_AT);
            rows(console, "RETRY TASK GROUP tg1");
            MoveCluster.await("the balancer evens ds1 after the retry", 180_000, () -> {
                try {
                    return balancerState(console).equals("balanced") && isEven();
                } catch (SQLException e) {
                    return false;
                }
            });
            assertThat(sumOverShards()).isEqualTo(before);
            assertThat(rows(console, "CHECK DISTRIBUTION ds1")).hasSize(3).allMatch(row -> row.endsWith("|0"));
        }
    }

    @Test
    void theBalancerLeavesAnEvenDistributionAsItIs(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "balancer_even", "", coordinatorYaml());
        for (int shard = 0; shard < 3; shard++) {
            cluster.onShard(shard, """
                    CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
                    INSERT INTO orders SELECT g, 'n' || g FROM generate_series(%d, %d) g;
                    ANALYZE orders;""".formatted(shard * 10_000, shard * 10_000 + 9_999));
        }
        String before = sumOverShards();
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr3 FROM 20000 ROUTE TO sh3 FOR DISTRIBUTION ds1");
            execute(console, "CREATE KEY RANGE kr2 FROM 10000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
            List<String> ranges = rows(console, "SHOW key_ranges");
            enableBalancer(console);

            // two looks, each finding every shard within the threshold
            String first = awaitLookAfter(console, null);
            awaitLookAfter(console, first);

            assertThat(rows(console, "SHOW key_ranges")).isEqualTo(ranges);
            assertThat(rows(console, "SHOW rebalance")).isEmpty();
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(sumOverShards()).isEqualTo(before);
            assertThat(rows(console, "SHOW balancer")).singleElement().satisfies(row ->
                    assertThat(row).startsWith("ds1|balanced|").contains("|nothing to move|"));
        }
    }

    /** A coordinator.yaml with the balancer off (the default): RELOAD reads it again. */
    private Path coordinatorYaml() throws Exception {
        Path file = dir.resolve("coordinator.yaml");
        Files.writeString(file, CONSOLE_RULES);
        return file;
    }

    /** Rewrites coordinator.yaml with the balancer on (every second, one move per round) and RELOADs it. */
    private void enableBalancer(Connection console) throws Exception {
        Files.writeString(dir.resolve("coordinator.yaml"), CONSOLE_RULES + """
                balancer:
                  enabled: true
                  interval: 1s
                  threshold: 10
                  by: rows
                  max_moves: 1
                """);
        assertThat(rows(console, "RELOAD")).contains("balancer|enabled=false interval=60s threshold=10 by=rows max_moves=1"
                + "|enabled=true interval=1s threshold=10 by=rows max_moves=1|applied");
    }

    /** Waits for a look at ds1 that found it balanced, begun after {@code previous}; returns its start. */
    private static String awaitLookAfter(Connection console, String previous) {
        String[] seen = {null};
        MoveCluster.await("the balancer looks at ds1 again", 60_000, () -> {
            try {
                String run = lastRun(console);
                seen[0] = run;
                return balancerState(console).equals("balanced") && run != null && !run.equals(previous);
            } catch (SQLException e) {
                return false;
            }
        });
        return seen[0];
    }

    private static String balancerState(Connection console) throws SQLException {
        List<String> rows = rows(console, "SHOW balancer");
        return rows.isEmpty() ? "" : rows.getFirst().split("\\|", -1)[1];
    }

    private static String nextRun(Connection console) throws SQLException {
        List<String> rows = rows(console, "SHOW balancer");
        String run = rows.isEmpty() ? "null" : rows.getFirst().split("\\|", -1)[5];
        return run.equals("null") ? null : run;
    }

    private static String lastRun(Connection console) throws SQLException {
        List<String> rows = rows(console, "SHOW balancer");
        String run = rows.isEmpty() ? "null" : rows.getFirst().split("\\|", -1)[3];
        return run.equals("null") ? null : run;
    }

    /** Every shard within 10% of the mean. */
    private boolean isEven() throws SQLException {
        long[] perShard = new long[3];
        for (int shard = 0; shard < 3; shard++) {
            perShard[shard] = Long.parseLong(cluster.content(shard, "orders", "true").split("\\|")[0]);
        }
        double mean = LongStream.of(perShard).sum() / 3.0;
        return LongStream.of(perShard).allMatch(rows -> Math.abs(rows - mean) <= mean * 0.10);
    }

    /** {@code count|checksum} of orders added over the three shards. */
    private String sumOverShards() throws SQLException {
        long count = 0;
        long checksum = 0;
        for (int shard = 0; shard < 3; shard++) {
            String[] content = cluster.content(shard, "orders", "true").split("\\|");
            count += Long.parseLong(content[0]);
            checksum += Long.parseLong(content[1]);
        }
        return count + "|" + checksum;
    }

    /** Every order on sh1, the others empty; returns the orders' checksum. */
    private String skewed(PostgresServers servers, String name) throws Exception {
        cluster = MoveCluster.start(servers, name, "", coordinatorYaml());
        cluster.onShard(0, """
                CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
                INSERT INTO orders SELECT g, 'n' || g FROM generate_series(0, %d) g;
                ANALYZE orders;""".formatted(ORDERS - 1));
        String before = cluster.content(0, "orders", "true");
        cluster.createShards();
        return before;
    }

    /** ds1 with orders attached and one key range on sh1. */
    private void attachOneRange(Connection console) throws SQLException {
        execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
        execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
        execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
    }
}
