package dev.shardgate.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.coordinator.config.CoordinatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordinator's http_port as Prometheus and a load balancer see it. */
class CoordinatorHttpTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Coordinator coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    @Test
    void servesMetricsAndHealthOnTheConfiguredPort() throws Exception {
        coordinator = Coordinator.start(CoordinatorConfig.parse("""
                host: 127.0.0.1
                coordinator_port: 0
                grpc_api_port: 0
                http_port: 0
                """, "coordinator.yaml"), "test");
        coordinator.execute("CREATE SHARD sh1 WITH HOSTS 'localhost:5432'");

        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("shardgate_coordinator_active 1.0")
                .contains("shardgate_metadata_version " + coordinator.qdb().version() + ".0")
                .contains("# TYPE shardgate_task_group_batch_lock_seconds histogram");
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void httpPortIsOffUnlessConfiguredAndMinusOneTurnsItOff() {
        assertThat(CoordinatorConfig.parse("host: 127.0.0.1\n", "coordinator.yaml").httpPort()).isEqualTo(-1);
        assertThat(CoordinatorConfig.parse("http_port: -1\n", "coordinator.yaml").httpPort()).isEqualTo(-1);
        assertThat(CoordinatorConfig.parse("http_port: 9188\n", "coordinator.yaml").httpPort()).isEqualTo(9188);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinator.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
