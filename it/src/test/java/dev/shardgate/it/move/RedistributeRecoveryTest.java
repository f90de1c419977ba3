package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.qdb.LocalEtcd;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A move that fails before any step of a batch, or whose coordinator goes away, finishes on RETRY
 * or on the next coordinator without losing or duplicating a row; STOP ends it at a batch
 * boundary with everything unlocked. The QDB is etcd, so task groups outlive the coordinator.
 */
@RealPostgres(servers = 2)
class RedistributeRecoveryTest {
    private static final String FAIL_AT = "shardgate.move.fail_at";
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";
    private static final long[] IDS = LongStream.range(0, 1000).toArray();

    private LocalEtcd etcd;
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        etcd = LocalEtcd.start();
        cluster = MoveCluster.start(servers, "move_recovery", etcd.endpoint());
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
        System.clearProperty(FAIL_AT);
        if (cluster != null) {
            cluster.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aFailureBeforeOrAfterAnyStepOfABatchIsRetriedWithoutLosingARow() throws Exception {
        List<String> points = new java.util.ArrayList<>();
        for (String step : List.of("plan", "split", "lock", "copy", "move")) {
            points.add(step + ":2");
            points.add(step + "-done:2");
        }
        // Batch 4 of 300 rows is the last one, which is not split off and ends the group.
        points.addAll(List.of("split-done:4", "copy-done:4", "move:4", "move-done:4"));
        int from = 0;
        for (String point : points) {
            int to = 1 - from;
            String step = point.replaceAll("(-done)?:.*", "");
            System.setProperty(FAIL_AT, point);
            try (Connection console = cluster.console()) {
                SQLException failed = catchThrowableOfType(SQLException.class,
                        () -> rows(console, "REDISTRIBUTE KEY RANGE kr1 TO sh" + (to + 1) + " BATCH SIZE 300"));
                assertThat((Throwable) failed).as(point).isNotNull();
                assertThat(failed.getMessage()).contains("failure injected "
                        + (point.contains("-done") ? "after" : "before") + " step " + step);
                List<String> groups = rows(console, "SHOW task_group");
                assertThat(groups).as(point).hasSize(1);
                String[] group = groups.getFirst().split("\\|", -1);
                assertThat(group[4]).isEqualTo("ERROR");
                assertThat(group[5]).contains("step " + step);
                assertThat(group[10]).isEqualTo(step);
                // Metrics of the batches done before the failure: 300 rows each, lock time in ms.
                int batchesBefore = Integer.parseInt(point.substring(point.indexOf(':') + 1)) - 1;
                assertThat(group[7]).as(point).isEqualTo(Integer.toString(300 * batchesBefore));
                assertThat(group[8]).as(point).isEqualTo(Integer.toString(batchesBefore));
                assertThat(group[9]).as(point).isEqualTo(Integer.toString(batchesBefore + 1));
                assertThat(Long.parseLong(group[11])).as(point).isPositive();

                System.clearProperty(FAIL_AT);
                List<String> retried = rows(console, "RETRY TASK GROUP " + group[0]);
                assertThat(retried).as(point).containsExactly(group[0] + "|kr1|1000|4");
                assertThat(rows(console, "SHOW task_group")).isEmpty();
                assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh" + (to + 1) + "|ds1|0|false");
            }
            assertEveryRowOn(to, point);
            from = to;
        }
    }

    /**
     * COPY's two commits: a failure after the destination committed, or after the source's
     * transaction was recorded and before it committed, is retried by asking the source whether
     * it committed (it did not: the batch moves again, replacing the destination's rows).
     */
    @Test
    void aFailureBetweenTheTwoCommitsOfACopyIsRetriedWithoutLosingARow() throws Exception {
        int from = 0;
        for (String point : List.of("copy-destination-committed:2", "copy-commit:2", "copy-commit:4")) {
            int to = 1 - from;
            try (Connection console = cluster.console()) {
                System.setProperty(FAIL_AT, point);
                SQLException failed = catchThrowableOfType(SQLException.class,
                        () -> rows(console, "REDISTRIBUTE KEY RANGE kr1 TO sh" + (to + 1) + " BATCH SIZE 300"));
                assertThat(failed.getMessage()).as(point).contains("failure injected inside step copy");
                String group = value(console, "SHOW task_group");
                // the batch is on both shards now, the source's copy uncommitted-deleted: still there
                assertThat(cluster.content(from, "orders", "true")).as(point).startsWith(
                        point.endsWith(":4") ? "100|" : "700|");
                System.clearProperty(FAIL_AT);
                assertThat(rows(console, "RETRY TASK GROUP " + group)).as(point).containsExactly(group + "|kr1|1000|4");
            }
            assertEveryRowOn(to, point);
            from = to;
        }
    }

    /**
     * The destination must hold exactly the rows the source streamed: a trigger there that changes
     * them makes every attempt roll back on both shards, and the move fails (naming the shards)
     * with every row still on the source; without the trigger, RETRY finishes it.
     */
    @Test
    void rowsTheDestinationChangesFailTheMoveAndStayOnTheSource() throws Exception {
        cluster.onShard(1, """
                CREATE FUNCTION shout() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.note := upper(NEW.note); RETURN NEW; END $$;
                CREATE TRIGGER shout BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION shout()""");
        try (Connection console = cluster.console()) {
            SQLException failed = catchThrowableOfType(SQLException.class,
                    () -> rows(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 300"));
            assertThat(failed.getSQLState()).isEqualTo("55000");
            assertThat(failed.getMessage()).contains("rows on shard \"sh2\" differ from those deleted on shard \"sh1\" "
                    + "after 3 copies");
            String group = value(console, "SHOW task_group");
            assertEveryRowOn(0, "after the failed move");
            cluster.onShard(1, "DROP TRIGGER shout ON orders");
            assertThat(rows(console, "RETRY TASK GROUP " + group)).containsExactly(group + "|kr1|1000|4");
        }
        assertEveryRowOn(1, "after RETRY");
    }

    @Test
    void aCoordinatorThatGoesAwayMidMoveIsResumedByTheNextOne() throws Exception {
        String group;
        try (Connection console = cluster.console()) {
            group = value(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 10 NOWAIT");
            MoveCluster.await("some batches moved", 30_000, () -> batchesDone(group) >= 3);
        }
        cluster.restartCoordinator();
        try (Connection console = cluster.console()) {
            MoveCluster.await("the next coordinator finishes the group", 120_000, () -> {
                try {
                    return rows(console, "SHOW task_group").isEmpty();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh2|ds1|0|false");
        }
        assertEveryRowOn(1, "after restart");
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            assertThat(value(client, "SELECT note FROM orders WHERE id = 777")).isEqualTo("n777");
        }
    }

    @Test
    void stopEndsAtABatchBoundaryWithMovedPartsOnTheDestinationAndNothingLocked() throws Exception {
        try (Connection console = cluster.console()) {
            String group = value(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 10 NOWAIT");
            MoveCluster.await("some batches moved", 30_000, () -> batchesDone(group) >= 2);
            execute(console, "STOP TASK GROUP " + group);
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            List<String> ranges = rows(console, "SHOW key_ranges");
            assertThat(ranges).hasSize(2);
            assertThat(ranges).allMatch(range -> range.endsWith("|false"));
            assertThat(ranges.getFirst()).startsWith("kr1|sh2|ds1|0|");
            String[] rest = ranges.get(1).split("\\|");
            assertThat(rest[1]).isEqualTo("sh1");
            long bound = Long.parseLong(rest[3]);
            assertThat(bound).isBetween(20L, 999L);

            // Moved keys are on sh2 only, the rest on sh1 only, and the router routes both.
            assertThat(cluster.content(1, "orders", "true"))
                    .isEqualTo(cluster.expectedContent(ORDER_ROWS, LongStream.range(0, bound).toArray()));
            assertThat(cluster.content(0, "orders", "true"))
                    .isEqualTo(cluster.expectedContent(ORDER_ROWS, LongStream.range(bound, 1000).toArray()));
            cluster.awaitRouterSynced();
            try (Connection client = cluster.client()) {
                assertThat(value(client, "SELECT note FROM orders WHERE id = 0")).isEqualTo("n0");
                assertThat(value(client, "SELECT note FROM orders WHERE id = " + bound)).isEqualTo("n" + bound);
                execute(client, "UPDATE orders SET note = 'x' WHERE id = 1");
                execute(client, "UPDATE orders SET note = 'y' WHERE id = 999");
            }
            try (Connection sh2 = cluster.shard(1); Connection sh1 = cluster.shard(0)) {
                assertThat(value(sh2, "SELECT note FROM orders WHERE id = 1")).isEqualTo("x");
                assertThat(value(sh1, "SELECT note FROM orders WHERE id = 999")).isEqualTo("y");
            }
        }
    }

    private int batchesDone(String group) {
        try (Connection console = cluster.console()) {
            List<String> groups = rows(console, "SHOW task_group");
            return groups.stream().map(row -> row.split("\\|", -1)).filter(row -> row[0].equals(group))
                    .mapToInt(row -> Integer.parseInt(row[8])).findFirst().orElse(Integer.MAX_VALUE);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertEveryRowOn(int shard, String when) throws SQLException {
        assertThat(cluster.content(shard, "orders", "true")).as(when).isEqualTo(cluster.expectedContent(ORDER_ROWS, IDS));
        assertThat(cluster.content(1 - shard, "orders", "true")).as(when).isEqualTo("0|0");
    }
}
