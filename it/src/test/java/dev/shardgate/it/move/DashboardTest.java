package dev.shardgate.it.move;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.HeadlessChromium;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's dashboard in a real headless browser while a REDISTRIBUTE is in progress: the
 * key ranges drawn by shard, the shards, the router and the moving task group with its progress.
 * The screenshot is saved as it/target/dashboard-move.png.
 */
@RealPostgres(servers = 2)
class DashboardTest {
    private static final Path SCREENSHOT = Path.of("target", "dashboard-move.png");
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "dashboard_move");
        cluster.createShards();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void showsKeyRangesShardsRoutersAndAMoveInProgress() throws Exception {
        try (HeadlessChromium chromium = HeadlessChromium.installed()) {
            movingAndRouterPages(chromium);
        }
    }

    private void movingAndRouterPages(HeadlessChromium chromium) throws Exception {
        cluster.onShard(0, """
                CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL);
                INSERT INTO items SELECT g, g FROM generate_series(1, 250) g;""");
        // Leftovers of an interrupted copy on sh2, which each batch's copy deletes first.
        cluster.onShard(1, """
                CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL);
                INSERT INTO items SELECT g, 0 FROM generate_series(151, 160) g;""");
        try (Connection console = cluster.console(); Connection blocker = cluster.shard(1)) {
            execute(console, "CREATE DISTRIBUTION di COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION di ATTACH RELATION items DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr2 FROM 251 ROUTE TO sh2 FOR DISTRIBUTION di");
            execute(console, "CREATE KEY RANGE kr1 FROM 1 ROUTE TO sh1 FOR DISTRIBUTION di");
            // The leftovers stay locked on sh2: three batches of 50 move, the fourth's copy waits to delete them.
            blocker.setAutoCommit(false);
            assertThat(rows(blocker, "SELECT id FROM items WHERE id > 150 FOR UPDATE")).hasSize(10);
            String group = value(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 50 NOWAIT");
            MoveCluster.await("three batches moved", 60_000, () -> "150".equals(rowsMoved(console, group)));

            String url = "http://" + MoveCluster.HOST + ":" + cluster.coordinator.httpPort() + "/dashboard/";
            String dom = chromium.dumpDom(url);
            assertThat(dom).as("the page drew the data").contains("data-loaded=\"true\"");
            assertThat(dom).contains(
                    "data-range=\"kr1\" data-shard=\"sh2\"",
                    "data-range=\"kr2\" data-shard=\"sh2\"",
                    "data-shard=\"sh1\" data-host=\"",
                    "data-shard=\"sh2\" data-host=\"",
                    "data-router=\"r1\"");
            assertThat(dom).as("the rest of kr1 is still on sh1").containsPattern("data-range=\"[^\"]+\" data-shard=\"sh1\"");
            // Keys 1..250: the moved part starts at 1, the rest at 151, the next range at 251.
            assertThat(dom).contains("data-task-group=\"" + group + "\" data-state=\"running\" data-rows-moved=\"150\""
                    + " data-progress=\"0.600\"");
            assertThat(dom).contains("150 rows moved in 3 batches of 50, 60% of the key range");
            assertThat(dom).doesNotContain("data-error=");

            chromium.screenshot(url, SCREENSHOT, 1280, 1000);

            blocker.rollback();
            MoveCluster.await("the move finished", 60_000, () -> rowsMoved(console, group) == null);
        }
        assertThat(cluster.content(1, "items", "true")).startsWith("250|");

        // The router's own dashboard: its key ranges after the move and its transactions by shard.
        try (Connection client = cluster.client()) {
            for (int id = 1; id <= 20; id++) {
                assertThat(value(client, "SELECT v FROM items WHERE id = " + id)).isEqualTo(Integer.toString(id));
            }
        }
        String routerDom = chromium.dumpDom("http://" + MoveCluster.HOST + ":" + cluster.router.httpPort() + "/dashboard/");
        assertThat(routerDom).contains("data-loaded=\"true\"", "<span id=\"role\">router</span>",
                "data-range=\"kr1\" data-shard=\"sh2\"", "data-rate-shard=\"sh2\"");
        assertThat(routerDom).containsPattern("<tr data-rate-shard=\"sh2\" data-tps=\"[0-9.]+\"><td>sh2</td><td>[0-9.]+</td><td>2[0-9]</td>");
        assertThat(routerDom).doesNotContain("data-error=");
    }

    /** The group's rows_moved in SHOW task_group, null once the group is gone. */
    private static String rowsMoved(Connection console, String group) {
        try {
            List<String> rows = rows(console, "SHOW task_group");
            return rows.stream().map(row -> row.split("\\|", -1)).filter(row -> row[0].equals(group))
                    .map(row -> row[7]).findFirst().orElse(null);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
