package dev.shardgate.it.move;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPQR's task group statements on the coordinator's console: REDISTRIBUTE … TASK GROUP names the group,
 * STOP TASK GROUP … IMMEDIATE ends it before its next step, leaving it failed there, RETRY TASK GROUP
 * ALL finishes it without losing a row, and SHOW move_stats then has the run's mean times.
 */
@RealPostgres(servers = 2)
class TaskGroupStatementsTest {
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";
    /** Go's time.Duration.String(), which SPQR's move_stats prints. */
    private static final String GO_DURATION = "([0-9]+h)?([0-9]+m)?[0-9]+(\\.[0-9]+)?(ns|µs|ms|s)";

    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "task_group_statements");
        for (int shard = 0; shard < 2; shard++) {
            cluster.onShard(shard, "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
        }
        cluster.onShard(0, "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(0, 999) g");
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
        }
        cluster.awaitRouterSynced();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNamedGroupStoppedImmediatelyIsRetriedByRetryAllWithoutLosingARow() throws Exception {
        try (Connection console = cluster.console()) {
            assertThat(rows(console, "SHOW move_stats")).as("no move finished yet").isEmpty();
            assertThat(value(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 10 TASK GROUP 'tg-orders' NOWAIT"))
                    .isEqualTo("tg-orders");
            MoveCluster.await("some batches moved", 30_000, () -> batchesDone("tg-orders") >= 2);

            execute(console, "STOP TASK GROUP 'tg-orders' IMMEDIATE");
            List<String> groups = rows(console, "SHOW task_group");
            assertThat(groups).hasSize(1);
            String[] group = groups.getFirst().split("\\|", -1);
            assertThat(group[0]).isEqualTo("tg-orders");
            assertThat(group[4]).isEqualTo("ERROR");
            assertThat(group[5]).startsWith("stopped by STOP TASK GROUP IMMEDIATE before batch " + group[9] + ", step "
                    + group[10]);
            int batchesAtStop = Integer.parseInt(group[8]);
            assertThat(batchesAtStop).as("it stopped while moving, not at the end").isLessThan(100);
            assertThat(rows(console, "SHOW task_group")).as("a stopped group does not go on by itself").singleElement()
                    .asString().contains("|" + batchesAtStop + "|");

            assertThat(rows(console, "RETRY TASK GROUP ALL")).containsExactly("tg-orders|kr1|1000|100");
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(rows(console, "RETRY TASK GROUP ALL")).as("nothing left to retry").isEmpty();
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh2|ds1|0|false");

            List<String> stats = rows(console, "SHOW move_stats");
            assertThat(stats).extracting(row -> row.split("\\|")[0]).containsExactly("qdb.Total", "qdb.move", "qdb.split",
                    "router", "shard.Total", "shard.copy", "shard.plan", "total");
            assertThat(stats).allSatisfy(row -> assertThat(row.split("\\|")[1]).matches(GO_DURATION));
        }
        assertThat(cluster.content(1, "orders", "true"))
                .isEqualTo(cluster.expectedContent(ORDER_ROWS, LongStream.range(0, 1000).toArray()));
        assertThat(cluster.content(0, "orders", "true")).isEqualTo("0|0");
    }

    private int batchesDone(String group) {
        try (Connection console = cluster.console()) {
            return rows(console, "SHOW task_group").stream().map(row -> row.split("\\|", -1))
                    .filter(row -> row[0].equals(group)).mapToInt(row -> Integer.parseInt(row[8])).findFirst()
                    .orElse(Integer.MAX_VALUE);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
