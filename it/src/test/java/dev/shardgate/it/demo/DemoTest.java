package dev.shardgate.it.demo;

import dev.shardgate.it.harness.ShardgateProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code shardgate demo}, the README's first command, as a user runs it: a separate JVM that prints
 * psql lines, routes by the demo's key ranges, and removes everything on SIGTERM (Ctrl-C).
 */
class DemoTest {

    @Test
    void demoRoutesAccountsByKey(@TempDir Path directory) throws Exception {
        int port = ShardgateProcess.freePort();
        int console = ShardgateProcess.freePort();
        Process demo = start(directory, "--port", Integer.toString(port), "--console-port", Integer.toString(console));
        try {
            String out = awaitReady(demo, directory);
            try (Connection client = connect(port, "demo")) {
                execute(client, "INSERT INTO accounts (id, owner) VALUES (1500, 'cid')");
                assertThat(first(client, "EXPLAIN ROUTE SELECT * FROM accounts WHERE id = 1500")).isEqualTo("sh2");
                assertThat(first(client, "SELECT owner FROM accounts WHERE id = 1500")).isEqualTo("cid");
            }
            // the printed verify-full line works: the demo's CA signed the router's certificate for localhost
            Matcher rootCert = Pattern.compile("port=" + port + " dbname=demo user=demo sslmode=verify-full sslrootcert=(\\S+)\"")
                    .matcher(out);
            assertThat(rootCert.find()).as(out).isTrue();
            Properties verifyFull = new Properties();
            verifyFull.setProperty("user", "demo");
            verifyFull.setProperty("sslmode", "verify-full");
            verifyFull.setProperty("sslrootcert", rootCert.group(1));
            verifyFull.setProperty("socketTimeout", "30");
            try (Connection client = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/demo", verifyFull)) {
                assertThat(first(client, "SELECT owner FROM accounts WHERE id = 1500")).isEqualTo("cid");
            }
            assertThat(out).contains("port=" + console + " dbname=spqr-console user=demo sslmode=verify-full");

            int http = printedHttpPort(out, "router");
            assertThat(out).contains("router metrics:   http://localhost:" + http + "/metrics   readiness: http://localhost:"
                    + http + "/readyz");
            assertThat(get(http, "/readyz")).isEqualTo("ready\n");
            assertThat(get(http, "/metrics")).contains("shardgate_transactions_total{");
            assertThat(get(http, "/dashboard/")).contains("<title>Shardgate dashboard</title>");
            assertThat(get(http, "/api/cluster")).startsWith("{\"role\":\"router\"")
                    .contains("{\"key_range_id\":\"krid2\",\"shard_id\":\"sh2\",\"distribution_id\":\"ds1\","
                            + "\"lower_bound\":\"1000\"", "\"shard\":\"sh2\",\"route\":\"single_shard\"");
        } finally {
            stop(demo);
        }
    }

    @Test
    void demoWithCoordinatorFeedsTwoRouters(@TempDir Path directory) throws Exception {
        int port = ShardgateProcess.freePorts(2);
        int console = ShardgateProcess.freePorts(2);
        int coordinator = ShardgateProcess.freePort();
        Process demo = start(directory, "--with-coordinator", "--port", Integer.toString(port),
                "--console-port", Integer.toString(console), "--coordinator-port", Integer.toString(coordinator));
        try {
            String out = awaitReady(demo, directory);
            assertThat(out).contains("port=" + port, "port=" + (port + 1), "port=" + coordinator);
            try (Connection coordinatorConsole = connect(coordinator, "spqr-console")) {
                execute(coordinatorConsole, "CREATE KEY RANGE krid9 FROM -5000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
                assertThat(first(coordinatorConsole, "SHOW routers")).isEqualTo("router1");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            String ranges = "";
            while (System.nanoTime() < deadline && !ranges.contains("krid9")) {
                try (Connection secondConsole = connect(console + 1, "spqr-console")) {
                    ranges = column(secondConsole, "SHOW key_ranges");
                }
            }
            assertThat(ranges).isEqualTo("krid9,krid1,krid2");
            try (Connection second = connect(port + 1, "demo")) {
                execute(second, "INSERT INTO accounts (id, owner) VALUES (-4500, 'eve')");
                assertThat(first(second, "EXPLAIN ROUTE SELECT * FROM accounts WHERE id = -4500")).isEqualTo("sh2");
            }

            int coordinatorHttp = printedHttpPort(out, "coordinator");
            assertThat(get(coordinatorHttp, "/readyz")).isEqualTo("ready\n");
            assertThat(get(coordinatorHttp, "/dashboard/")).contains("<script src=\"dashboard.js\"></script>");
            assertThat(get(coordinatorHttp, "/api/cluster")).startsWith("{\"role\":\"coordinator\"")
                    .contains("\"key_range_id\":\"krid9\"", "{\"router_id\":\"router1\"", "{\"router_id\":\"router2\"",
                            "\"task_group\":[]");
            int secondHttp = printedHttpPort(out, "router2");
            assertThat(get(secondHttp, "/api/cluster")).startsWith("{\"role\":\"router\"").contains("\"key_range_id\":\"krid9\"");
        } finally {
            stop(demo);
        }
    }

    @Test
    void demoWithReplicasGivesEveryShardAStandbyThatServesReads(@TempDir Path directory) throws Exception {
        int port = ShardgateProcess.freePort();
        int console = ShardgateProcess.freePort();
        Process demo = start(directory, "--with-replicas", "--port", Integer.toString(port),
                "--console-port", Integer.toString(console));
        try {
            String out = awaitReady(demo, directory);
            assertThat(out).contains("shard sh1 standby: psql", "shard sh2 standby: psql", "SHOW hosts", "FAILOVER SHARD sh1");
            try (Connection client = connect(port, "demo")) {
                execute(client, "INSERT INTO accounts (id, owner) VALUES (1500, 'cid')");
                execute(client, "SET __spqr__target_session_attrs = 'standby'");
                // the standby replays the insert within moments; until then it answers no row
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                String owner = null;
                while (owner == null && System.nanoTime() < deadline) {
                    try (Statement statement = client.createStatement();
                         ResultSet rows = statement.executeQuery("SELECT owner, pg_is_in_recovery() FROM accounts WHERE id = 1500")) {
                        if (rows.next()) {
                            assertThat(rows.getBoolean(2)).as("read on a standby").isTrue();
                            owner = rows.getString(1);
                        }
                    }
                }
                assertThat(owner).isEqualTo("cid");
            }
            // the health checks learn each host's role from the server
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            List<String> roles = List.of();
            while (System.nanoTime() < deadline && !(roles.contains("primary") && roles.contains("standby") && roles.size() == 4)) {
                try (Connection adminConsole = connect(console, "spqr-console");
                     Statement statement = adminConsole.createStatement();
                     ResultSet rows = statement.executeQuery("SHOW hosts")) {
                    List<String> seen = new ArrayList<>();
                    while (rows.next()) {
                        seen.add(rows.getString("role"));
                    }
                    roles = seen;
                }
                Thread.sleep(200);
            }
            assertThat(roles).containsExactlyInAnyOrder("primary", "standby", "primary", "standby");
        } finally {
            stop(demo);
        }
    }

    @Test
    void demoOnATakenPortSaysWhichAndCleansUp(@TempDir Path directory) throws Exception {
        int port = ShardgateProcess.freePort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("localhost", port));
            Process demo = start(directory, "--port", Integer.toString(port), "--console-port",
                    Integer.toString(ShardgateProcess.freePort()));
            assertThat(demo.waitFor(90, TimeUnit.SECONDS)).as("demo exits").isTrue();
            String out = Files.readString(directory.resolve("demo.log"));
            assertThat(demo.exitValue()).as(out).isEqualTo(1);
            assertThat(out).contains("shardgate demo: cannot listen for clients on localhost:" + port)
                    .contains("postgres stopped name=sh1", "postgres stopped name=sh2")
                    .doesNotContain("\tat java.base");
        }
    }

    /** The port of the dashboard URL the demo printed for {@code who}. */
    private static int printedHttpPort(String out, String who) {
        Matcher url = Pattern.compile(" " + who + " dashboard: http://localhost:(\\d+)/dashboard/").matcher(out);
        assertThat(url.find()).as(out).isTrue();
        return Integer.parseInt(url.group(1));
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(java.time.Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private static Process start(Path directory, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(ShardgateProcess.JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.shardgate.cli.Shardgate", "demo"));
        command.addAll(List.of(options));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("demo.log").toFile()).start();
    }

    private static String awaitReady(Process demo, Path directory) throws Exception {
        Path log = directory.resolve("demo.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            String out = Files.exists(log) ? Files.readString(log) : "";
            if (out.contains("Press Ctrl-C")) {
                return out;
            }
            assertThat(demo.isAlive()).as("demo exited early:\n" + out).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("demo not ready within 90 s:\n" + Files.readString(log));
    }

    /** SIGTERM, as Ctrl-C: the demo stops everything and exits. */
    private static void stop(Process demo) throws InterruptedException {
        demo.destroy();
        if (!demo.waitFor(60, TimeUnit.SECONDS)) {
            demo.destroyForcibly();
            throw new AssertionError("demo did not stop within 60 s of SIGTERM");
        }
    }

    private static Connection connect(int port, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "demo");
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, properties);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String first(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static String column(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return String.join(",", values);
    }
}
