package dev.shardgate.it.move;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a REDISTRIBUTE shows on the coordinator's /metrics: the rows and batches it moved and each batch's lock. */
@RealPostgres(servers = 2)
class MoveMetricsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "move_metrics");
        cluster.createShards();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rowsBatchesAndLockTimesOfARedistributeAreCounted() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE items (id int PRIMARY KEY, v int NOT NULL);
                INSERT INTO items SELECT g, g FROM generate_series(1, 250) g;""");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION di COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION di ATTACH RELATION items DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION di");
            List<String> result = rows(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 100");
            assertThat(result).hasSize(1);
            assertThat(result.getFirst().split("\\|")[2]).isEqualTo("250");
        }

        String metrics = get("/metrics");
        assertThat(metrics).contains(
                "shardgate_task_group_rows_moved_total{destination_shard=\"sh2\",source_shard=\"sh1\"} 250.0",
                "shardgate_task_group_batches_total{destination_shard=\"sh2\",source_shard=\"sh1\"} 3.0",
                "shardgate_task_group_batch_lock_seconds_count 3",
                "shardgate_coordinator_active 1.0");
        assertThat(metrics).as("a finished group leaves no progress").doesNotContain("shardgate_task_group_progress_rows{");
        assertThat(get("/readyz")).isEqualTo("ready\n");

        cluster.awaitRouterSynced();
        double routerVersion = cluster.router.context().metrics().registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("shardgate_metadata_version"))
                .flatMap(m -> m.getDataPoints().stream())
                .mapToDouble(p -> ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue())
                .findFirst().orElseThrow();
        assertThat(routerVersion).as("the router's metadata version gauge").isEqualTo(cluster.coordinator.qdb().version());
    }

    private String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + MoveCluster.HOST + ":"
                + cluster.coordinator.httpPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
