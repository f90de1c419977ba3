package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.qdb.LocalEtcd;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four shards, all rows of a distribution in one key range on sh1: one REBALANCE DISTRIBUTION
 * splits and moves ranges until every shard holds within 10% of the mean, while clients update,
 * read and insert through the router, and no row is lost or duplicated. DRY RUN plans the same
 * and changes nothing; a coordinator restarted mid-way resumes the plan. The QDB is etcd, so the
 * plan and its task groups outlive the coordinator.
 */
@RealPostgres(servers = 4)
class RebalanceTest {
    private static final int ORDERS = 40_000;
    private static final int ITEMS = 8_000;
    private static final int MAX_INSERTS = 600;
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";
    private static final String[] TABLES = {"orders", "order_items"};

    private LocalEtcd etcd;
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        etcd = LocalEtcd.start();
        cluster = MoveCluster.start(servers, "rebalance", etcd.endpoint());
        // order_items crowd in the lowest keys, so the rows do not spread like the keys
        cluster.onShard(0, """
                CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
                CREATE TABLE order_items (order_id bigint, line int, qty int NOT NULL, PRIMARY KEY (order_id, line));
                INSERT INTO orders SELECT 2 * g, 'n' || (2 * g) FROM generate_series(0, %d) g;
                INSERT INTO order_items SELECT 2 * (g / 2), g %% 2, g %% 7 FROM generate_series(0, %d) g;
                ANALYZE orders, order_items;""".formatted(ORDERS - 1, ITEMS - 1));
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION order_items DISTRIBUTION KEY order_id");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
        }
        cluster.awaitRouterSynced();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void oneRebalanceEvensFourShardsUnderWritesAndDryRunChangesNothing() throws Exception {
        long[] initial = LongStream.range(0, ORDERS).map(i -> 2 * i).toArray();
        String itemsBefore = cluster.content(0, "order_items", "true");
        try (Connection console = cluster.console()) {
            List<String> dryRun = rows(console, "REBALANCE DISTRIBUTION ds1 DRY RUN");
            assertThat(dryRun).isNotEmpty();
            assertThat(dryRun.getFirst()).startsWith("1|SPLIT|kr2|from kr1 at ");
            assertThat(dryRun).anyMatch(row -> row.contains("|MOVE|") && row.contains("|sh1|sh4|"));
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh1|ds1|0|false");
            assertThat(rows(console, "SHOW rebalance")).isEmpty();
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            for (int shard = 1; shard < 4; shard++) {
                assertThat(cluster.content(shard, "orders", "true")).isEqualTo("0|0");
            }

            AtomicLong nextOdd = new AtomicLong(1);
            // a few hundred inserts: enough to write into moving ranges, too few to unbalance the shards
            OrderWorkload workload = new OrderWorkload(cluster, new OrderWorkload.Keys(
                    () -> 2L * ThreadLocalRandom.current().nextInt(ORDERS),
                    () -> nextOdd.getAndAdd(2 * 997) % (2L * ORDERS), 256, MAX_INSERTS));
            List<String> plan = rows(console, "REBALANCE DISTRIBUTION ds1");
            Thread.sleep(300);
            List<Long> inserted = workload.end(100);

            assertThat(plan).isNotEmpty();
            assertThat(inserted).as("rows inserted during the rebalance").hasSizeGreaterThan(10);
            long[] all = LongStream.concat(LongStream.of(initial), inserted.stream().mapToLong(Long::longValue)).toArray();
            assertEveryRowOnceAndBalanced(console, cluster.expectedContent(ORDER_ROWS, all), itemsBefore);
            assertThat(rows(console, "SHOW rebalance")).hasSize(plan.size())
                    .allMatch(row -> row.startsWith("ds1|") && row.endsWith("|done|null"));
            assertThat(rows(console, "SHOW task_group")).isEmpty();
        }
    }

    @Test
    void aRebalanceResumesOnARestartedCoordinator() throws Exception {
        long[] initial = LongStream.range(0, ORDERS).map(i -> 2 * i).toArray();
        String itemsBefore = cluster.content(0, "order_items", "true");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Future<List<String>> first = caller.submit(() -> {
            try (Connection console = cluster.console()) {
                return rows(console, "REBALANCE DISTRIBUTION ds1");
            }
        });
        // Restart in the middle of the first move: three of its batches are done.
        MoveCluster.await("the rebalance's first move is under way", 60_000, () -> {
            try (Connection console = cluster.console()) {
                return rows(console, "SHOW rebalance").stream().anyMatch(row -> row.matches(".*\\|MOVE\\|.*\\|tg1\\|running\\|null"))
                        && rows(console, "SHOW task_group").stream().anyMatch(row -> row.startsWith("tg1|")
                        && Integer.parseInt(row.split("\\|")[8]) >= 3);
            } catch (SQLException e) {
                return false;
            }
        });
        cluster.restartCoordinator();
        try {
            first.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // the client of the stopped coordinator is told so, or loses its connection
        }
        caller.shutdown();
        MoveCluster.await("the resumed rebalance finishes", 120_000, () -> {
            try (Connection console = cluster.console()) {
                List<String> steps = rows(console, "SHOW rebalance");
                return !steps.isEmpty() && steps.stream().allMatch(row -> row.endsWith("|done|null"));
            } catch (SQLException e) {
                return false;
            }
        });
        try (Connection console = cluster.console()) {
            assertEveryRowOnceAndBalanced(console, cluster.expectedContent(ORDER_ROWS, initial), itemsBefore);
            assertThat(rows(console, "REBALANCE DISTRIBUTION ds1 DRY RUN")).as("nothing left to do").isEmpty();
        }
    }

    @Test
    void stoppingAMoveEndsTheRebalanceAndTheNextOnePlansWhatIsLeft() throws Exception {
        long[] initial = LongStream.range(0, ORDERS).map(i -> 2 * i).toArray();
        String itemsBefore = cluster.content(0, "order_items", "true");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Future<String> first = caller.submit(() -> {
            try (Connection console = cluster.console()) {
                rows(console, "REBALANCE DISTRIBUTION ds1");
                return "finished";
            } catch (SQLException e) {
                return e.getSQLState() + " " + e.getMessage();
            }
        });
        try (Connection console = cluster.console()) {
            MoveCluster.await("the first move is under way", 60_000, () -> {
                try {
                    return rows(console, "SHOW task_group").stream().anyMatch(row -> row.startsWith("tg1|")
                            && Integer.parseInt(row.split("\\|")[8]) >= 2);
                } catch (SQLException e) {
                    return false;
                }
            });
            execute(console, "STOP TASK GROUP tg1");
            assertThat(first.get()).startsWith("55000 ERROR: rebalance of distribution \"ds1\" stopped at step 2: task group tg1 "
                    + "was stopped before key range \"kr2\" reached shard \"sh2\"");
            caller.shutdown();
            assertThat(rows(console, "SHOW rebalance")).extracting(row -> row.split("\\|")[10])
                    .containsExactly("done", "stopped", "dropped", "dropped", "dropped", "dropped");
            // What moved stays moved, the rest stays on sh1; nothing is lost on the way.
            assertThat(sumOverShards("orders")).isEqualTo(cluster.expectedContent(ORDER_ROWS, initial));
            assertThat(rows(console, "CHECK DISTRIBUTION ds1")).allMatch(row -> row.endsWith("|0"));

            List<String> second = rows(console, "REBALANCE DISTRIBUTION ds1");
            assertThat(second).isNotEmpty();
            assertEveryRowOnceAndBalanced(console, cluster.expectedContent(ORDER_ROWS, initial), itemsBefore);
        }
    }

    @Test
    void aHashedDistributionIsRebalancedByBytes() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL);
                INSERT INTO accounts SELECT g, g % 1000 FROM generate_series(1, 6000) g;
                ANALYZE accounts;""");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dh COLUMN TYPES integer hash");
            execute(console, "ALTER DISTRIBUTION dh ATTACH RELATION accounts DISTRIBUTION KEY id HASH FUNCTION murmur");
            execute(console, "CREATE KEY RANGE krh FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dh");
            String before = cluster.content(0, "accounts", "true");

            List<String> plan = rows(console, "REBALANCE DISTRIBUTION dh BY BYTES THRESHOLD 5");

            assertThat(plan).anyMatch(row -> row.contains("|SPLIT|")).anyMatch(row -> row.contains("|MOVE|"));
            assertThat(sumOverShards("accounts")).isEqualTo(before);
            assertThat(rows(console, "CHECK DISTRIBUTION dh")).hasSize(4).allMatch(row -> row.endsWith("|0"));
            // one relation, so bytes go with rows
            for (int shard = 0; shard < 4; shard++) {
                long rows = Long.parseLong(cluster.content(shard, "accounts", "true").split("\\|")[0]);
                assertThat(Math.abs(rows - 1500)).as("rows on sh%d", shard + 1).isLessThanOrEqualTo(75);
            }
        }
    }

    /**
     * Both tables hold every row once over the four shards (count and checksum), CHECK DISTRIBUTION
     * finds no row outside its shard's ranges, and every shard is within 10% of the mean.
     */
    private void assertEveryRowOnceAndBalanced(Connection console, String expectedOrders, String expectedItems)
            throws SQLException {
        assertThat(sumOverShards("orders")).isEqualTo(expectedOrders);
        assertThat(sumOverShards("order_items")).isEqualTo(expectedItems);
        assertThat(rows(console, "CHECK DISTRIBUTION ds1")).hasSize(8).allMatch(row -> row.endsWith("|0"));
        long[] perShard = new long[4];
        for (int shard = 0; shard < 4; shard++) {
            for (String table : TABLES) {
                perShard[shard] += Long.parseLong(cluster.content(shard, table, "true").split("\\|")[0]);
            }
        }
        double mean = LongStream.of(perShard).sum() / 4.0;
        assertThat(LongStream.of(perShard).boxed().toList()).as("rows per shard").allSatisfy(rows ->
                assertThat(Math.abs(rows - mean)).isLessThanOrEqualTo(mean * 0.10));
    }

    /** {@code count|checksum} of a table added over the four shards. */
    private String sumOverShards(String table) throws SQLException {
        long count = 0;
        long checksum = 0;
        for (int shard = 0; shard < 4; shard++) {
            String[] content = cluster.content(shard, table, "true").split("\\|");
            count += Long.parseLong(content[0]);
            checksum += Long.parseLong(content[1]);
        }
        return count + "|" + checksum;
    }

}
