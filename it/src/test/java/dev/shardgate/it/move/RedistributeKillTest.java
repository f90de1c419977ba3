package dev.shardgate.it.move;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.ShardgateProcess;
import dev.shardgate.qdb.LocalEtcd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator as its own JVM, halted (exit 137, nothing runs on the way out) in the middle of
 * a batch by SHARDGATE_MOVE_FAIL_AT; started again on the same etcd, it resumes the task group on
 * its own and every row ends up on the destination once.
 */
@RealPostgres(servers = 2)
class RedistributeKillTest {
    private static final String DATABASE = "move_kill";
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";
    private static final long[] IDS = LongStream.range(0, 2000).toArray();

    @TempDir
    Path directory;
    private PostgresServers servers;
    private LocalEtcd etcd;
    private Process coordinator;
    private int consolePort;
    private Path yaml;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        this.servers = servers;
        for (LocalPostgres server : servers.all()) {
            server.createUser(MoveCluster.USER, null);
            server.psql("postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            server.createDatabase(DATABASE, MoveCluster.USER);
        }
        shardSql(0, "CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);"
                + "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(0, 1999) g");
        etcd = LocalEtcd.start();
        consolePort = MoveCluster.freePort();
        yaml = directory.resolve("coordinator.yaml");
        Files.writeString(yaml, """
                host: 127.0.0.1
                coordinator_port: %d
                grpc_api_port: %d
                qdb_addr: %s
                log_level: info
                frontend_rules:
                  - db: %s
                    usr: %s
                    auth_rule:
                      auth_method: ok
                data_move:
                  database: %s
                  user: %s
                """.formatted(consolePort, MoveCluster.freePort(), etcd.endpoint(), MoveCluster.CONSOLE_DATABASE,
                MoveCluster.USER, DATABASE, MoveCluster.USER));
        startCoordinator(null);
        try (Connection console = console()) {
            for (int i = 0; i < 2; i++) {
                execute(console, "CREATE SHARD sh" + (i + 1) + " WITH HOSTS '" + servers.get(i).host() + ":"
                        + servers.get(i).port() + "'");
            }
        }
    }

    private void distribution(String type, String hash) throws SQLException {
        try (Connection console = console()) {
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES " + type);
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id" + hash);
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (coordinator != null && coordinator.isAlive()) {
            coordinator.destroy();
            coordinator.waitFor(10, TimeUnit.SECONDS);
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void aCoordinatorHaltedInsideABatchIsResumedOnRestart() throws Exception {
        distribution("integer", "");
        haltAndResume(List.of("plan:2", "split-done:2", "lock:2", "copy:2", "copy-destination-committed:2",
                "copy-commit:2", "copy-done:2", "move:2", "move-done:3"));
    }

    /** The same for a hashed distribution, whose batches follow the murmur hash of the key. */
    @Test
    void aHashedMoveHaltedInsideABatchIsResumedOnRestart() throws Exception {
        distribution("integer hash", " HASH FUNCTION murmur");
        haltAndResume(List.of("split-done:2", "copy-destination-committed:2", "copy-commit:2", "copy-done:2",
                "move-done:3"));
    }

    private void haltAndResume(List<String> points) throws Exception {
        int from = 0;
        for (String point : points) {
            int to = 1 - from;
            coordinator.destroy();
            coordinator.waitFor(20, TimeUnit.SECONDS);
            startCoordinator(point);
            try (Connection console = console()) {
                value(console, "REDISTRIBUTE KEY RANGE kr1 TO sh" + (to + 1) + " BATCH SIZE 500 NOWAIT");
            }
            assertThat(coordinator.waitFor(60, TimeUnit.SECONDS)).as(point).isTrue();
            assertThat(coordinator.exitValue()).as(point).isEqualTo(137);

            startCoordinator(null);
            try (Connection console = console()) {
                try {
                    MoveCluster.await("the restarted coordinator finishes the group (" + point + ")", 60_000, () -> {
                        try {
                            return rows(console, "SHOW task_group").isEmpty();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                } catch (AssertionError e) {
                    List<String> lines = Files.readAllLines(directory.resolve("coordinator.log"));
                    throw new AssertionError(e.getMessage() + "\n" + String.join("\n",
                            lines.subList(Math.max(0, lines.size() - 60), lines.size())), e);
                }
                assertThat(rows(console, "SHOW key_ranges")).as(point).containsExactly("kr1|sh" + (to + 1) + "|ds1|0|false");
            }
            assertThat(content(to)).as(point).isEqualTo(expected());
            assertThat(content(1 - to)).as(point).isEqualTo("0|0");
            from = to;
        }
    }

    private void startCoordinator(String failAt) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java));
        command.addAll(ShardgateProcess.JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.shardgate.cli.Shardgate",
                "coordinator", "--config", yaml.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("coordinator.log").toFile()));
        builder.environment().remove("SHARDGATE_MOVE_FAIL_AT");
        if (failAt != null) {
            builder.environment().put("SHARDGATE_MOVE_FAIL_AT", failAt);
        }
        Path log = directory.resolve("coordinator.log");
        long electedBefore = leaderElections(log);
        coordinator = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ShardgateProcess.accepts(consolePort)) {
            if (!coordinator.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("coordinator did not start:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        // A standby console answers reads but refuses changes (25006) until it leads, which takes up
        // to the lease of a predecessor that did not give its key up (one halted): wait until it leads.
        try {
            MoveCluster.await("the coordinator leads", 20_000, () -> leaderElections(log) > electedBefore);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + Files.readString(log), e);
        }
    }

    /** How many times a coordinator writing to this log became leader. */
    private static long leaderElections(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log).lines().filter(line -> line.contains("event=leader_elected")).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Connection console() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MoveCluster.USER);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + consolePort + "/" + MoveCluster.CONSOLE_DATABASE,
                properties);
    }

    private void shardSql(int index, String sql) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MoveCluster.USER);
        try (Connection connection = DriverManager.getConnection(servers.get(index).jdbcUrl(DATABASE), properties)) {
            execute(connection, sql);
        }
    }

    private String content(int index) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MoveCluster.USER);
        try (Connection connection = DriverManager.getConnection(servers.get(index).jdbcUrl(DATABASE), properties)) {
            if (value(connection, "SELECT to_regclass('orders') IS NOT NULL").equals("f")) {
                return "0|0";
            }
            return rows(connection, "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM orders t").getFirst();
        }
    }

    private String expected() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MoveCluster.USER);
        try (Connection connection = DriverManager.getConnection(servers.get(0).jdbcUrl(DATABASE), properties);
                var statement = connection.prepareStatement(
                        "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM (" + ORDER_ROWS + ") t")) {
            statement.setArray(1, connection.createArrayOf("bigint", LongStream.of(IDS).boxed().toArray()));
            try (var row = statement.executeQuery()) {
                row.next();
                return row.getString(1) + "|" + row.getString(2);
            }
        }
    }
}
