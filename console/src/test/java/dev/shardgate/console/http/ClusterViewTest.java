package dev.shardgate.console.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.qdb.MemoryQdb;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class ClusterViewTest {
    private final ConsoleExecutor executor = new ConsoleExecutor(new MemoryQdb(), RouterStatus.withoutClients("9.9"));

    @Test
    void sectionsHoldTheShowRowsAsObjectsAndShowsThisConsoleLacksAreUnavailable() {
        executor.execute("""
                CREATE SHARD sh1 WITH HOSTS 'a:5432';
                CREATE SHARD sh2 WITH HOSTS 'b:5432', 'c:5432';
                CREATE DISTRIBUTION di COLUMN TYPES integer;
                CREATE KEY RANGE kr2 FROM 100 ROUTE TO sh2 FOR DISTRIBUTION di;
                CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION di""");
        ClusterView view = new ClusterView("router", List.of("key_ranges", "shards", "routers", "version"), executor);

        String json = new String(view.json(), StandardCharsets.UTF_8);

        assertThat(json).startsWith("{\"role\":\"router\",\"generated_at_ms\":");
        assertThat(json).contains(
                "\"key_ranges\":[{\"key_range_id\":\"kr1\",\"shard_id\":\"sh1\",\"distribution_id\":\"di\","
                        + "\"lower_bound\":\"0\",\"locked\":\"false\"},{\"key_range_id\":\"kr2\"",
                "{\"shard_id\":\"sh2\",\"hosts\":\"b:5432, c:5432\"}",
                "\"version\":[{\"version\":\"9.9\"}]",
                "\"errors\":{},\"unavailable\":{\"routers\":\"SHOW routers is only supported on the coordinator\"}");
    }

    @Test
    void aShowThatFailsIsReportedWithItsSqlStateAndTheOtherSectionsStay() {
        ConsoleExecutor.OwnStatements failingHosts = new ConsoleExecutor.OwnStatements() {
            @Override
            public boolean handles(ConsoleStatement statement) {
                return statement instanceof Show show && show.what().equals("hosts");
            }

            @Override
            public ConsoleResult run(ConsoleStatement statement) {
                throw new PgException(SqlState.CONNECTION_FAILURE, "host \"b:5432\" of shard \"sh2\" does not answer");
            }

            @Override
            public Optional<List<String>> describe(ConsoleStatement statement) {
                return Optional.empty();
            }
        };
        ConsoleExecutor withHosts = new ConsoleExecutor(new MemoryQdb(), RouterStatus.withoutClients("9.9"), failingHosts);
        ClusterView view = new ClusterView("coordinator", List.of("hosts", "version"), withHosts);

        assertThat(new String(view.json(), StandardCharsets.UTF_8)).contains(
                "\"sections\":{\"version\":[{\"version\":\"9.9\"}]}",
                "\"errors\":{\"hosts\":\"08006: host \\\"b:5432\\\" of shard \\\"sh2\\\" does not answer\"}");
    }

    @Test
    void answersAreSharedForASecondThenRenewed() throws Exception {
        ClusterView view = new ClusterView("router", List.of("shards"), executor);
        byte[] first = view.json();
        executor.execute("CREATE SHARD sh9 WITH HOSTS 'z:5432'");
        assertThat(view.json()).as("within a second: the same answer").isSameAs(first);
        Thread.sleep(ClusterView.FRESH_MILLIS + 50);
        assertThat(new String(view.json(), StandardCharsets.UTF_8)).contains("sh9");
    }

    @Test
    void theHttpPortServesThePageAndTheJson() throws Exception {
        try (HttpEndpoints http = HttpEndpoints.start("127.0.0.1", 0, new PrometheusRegistry(), Readiness.ALWAYS,
                ClusterView.coordinator(executor))) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.port();
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<script src=\"dashboard.js\"></script>");
            for (String file : List.of("dashboard.js", "dashboard.css")) {
                assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/" + file)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode()).as(file).isEqualTo(200);
            }
            HttpResponse<String> api = client.send(HttpRequest.newBuilder(URI.create(base + "/api/cluster")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(api.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(api.body()).startsWith("{\"role\":\"coordinator\"");
            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/../pom.xml"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }
}
