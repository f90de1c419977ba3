package dev.shardgate.it.multishard;

import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.ShardgateProcess;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A rolling restart: two routers on the same shards, clients of the first move to the second when
 * it is stopped with SIGTERM. The first router closes each client with 57P01 between its
 * transactions, so every commit a client saw is on the shards and no other is; a client that keeps
 * its transaction open past shutdown_timeout is closed too, and its transaction rolls back.
 */
@RealPostgres(servers = 2)
class RollingRestartTest {
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(4);
    private static final int WORKERS = 8;

    private final AtomicLong nextId = new AtomicLong(10);
    private final Set<Long> committed = ConcurrentHashMap.newKeySet();
    private final List<String> wrongErrors = new ArrayList<>();
    private final AtomicLong shutdownsBetweenTransactions = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void sigtermDrainsClientsBetweenTransactionsAndLosesNoCommit(PostgresServers servers) throws Exception {
        int httpPort = ShardgateProcess.freePort();
        try (ShardedCluster second = ShardedCluster.start(servers, "rolling", PoolMode.TRANSACTION);
             RouterProcess first = RouterProcess.start(servers, "rolling", ShardedCluster.METADATA, "256m",
                     "shutdown_timeout: " + SHUTDOWN_TIMEOUT.toSeconds() + "s\nhttp_port: " + httpPort)) {
            second.dropTables();
            try (Connection setup = second.connect(true)) {
                Jdbc.execute(setup, "CREATE TABLE orders (id int PRIMARY KEY, qty int)");
                Jdbc.execute(setup, "INSERT INTO orders (id, qty) VALUES (1, 0)");
            }
            Connection holder = connect(first.port);
            holder.setAutoCommit(false);
            Jdbc.execute(holder, "UPDATE orders SET qty = 99 WHERE id = 1"); // and never commits

            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                workers.add(Thread.ofPlatform().start(() -> work(first.port, second)));
            }
            Jdbc.await("commits through the first router", 30_000, () -> committed.size() >= 200);

            long stopped = System.nanoTime();
            first.terminate();
            Jdbc.await("/readyz saying 503 during the drain", 3_000,
                    () -> readyz(httpPort).equals("503 router is shutting down"));
            assertThat((Throwable) catchThrowableOfType(SQLException.class, () -> connect(first.port).close()))
                    .as("a new client of a draining router").isNotNull();
            Jdbc.await("every worker on the second router", 10_000, () -> shutdownsBetweenTransactions.get() >= WORKERS);

            assertThat(first.waitForExit(SHUTDOWN_TIMEOUT.plusSeconds(20))).as("the router exits").isTrue();
            long exitMillis = (System.nanoTime() - stopped) / 1_000_000;
            assertThat(exitMillis).as("ms from SIGTERM to exit, waiting for the open transaction")
                    .isGreaterThanOrEqualTo(SHUTDOWN_TIMEOUT.toMillis() - 500);

            SQLException ended = catchThrowableOfType(SQLException.class, () -> Jdbc.execute(holder, "SELECT 1"));
            assertThat((Throwable) ended).as("the client in a transaction at the timeout").isNotNull();
            assertThat(ended.getSQLState()).isEqualTo("57P01");
            assertThat(ended.getMessage()).contains("terminating connection due to administrator command");
            holder.close();

            long before = committed.size();
            Jdbc.await("commits through the second router", 30_000, () -> committed.size() >= before + 100);
            stop.set(true);
            for (Thread worker : workers) {
                worker.join(30_000);
            }
            synchronized (wrongErrors) {
                assertThat(wrongErrors).as("errors other than 57P01 before a transaction").isEmpty();
            }
            Set<Long> onShards = ConcurrentHashMap.newKeySet();
            for (int shard = 0; shard < 2; shard++) {
                Jdbc.column(second.shard(shard), "SELECT id FROM orders WHERE id >= 10")
                        .forEach(id -> onShards.add(Long.parseLong(id)));
            }
            assertThat(onShards).as("rows on the shards = commits the clients saw").isEqualTo(committed);
            // the held transaction rolled back and its row lock is gone
            assertThat(Jdbc.column(second.shard(0), "SELECT qty FROM orders WHERE id = 1 FOR UPDATE NOWAIT"))
                    .containsExactly("0");
        }
    }

    /** Transactions of two statements, through the first router and, once it closes, through the second. */
    private void work(int firstPort, ShardedCluster second) {
        Connection connection = null;
        boolean onFirst = true;
        try {
            connection = connect(firstPort);
            while (!stop.get()) {
                long id = nextId.getAndIncrement();
                int statement = 0;
                try {
                    connection.setAutoCommit(false);
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 0)")) {
                        insert.setLong(1, id);
                        insert.executeUpdate();
                    }
                    statement = 1;
                    try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty + 1 WHERE id = ?")) {
                        update.setLong(1, id);
                        update.executeUpdate();
                    }
                    statement = 2;
                    connection.commit();
                    committed.add(id);
                } catch (SQLException e) {
                    if (!onFirst || statement != 0 || !"57P01".equals(e.getSQLState())) {
                        synchronized (wrongErrors) {
                            wrongErrors.add("statement " + statement + (onFirst ? " on the first router: " : " on the second: ")
                                    + e.getSQLState() + " " + e.getMessage());
                        }
                        return;
                    }
                    connection.close();
                    connection = second.connect(false);
                    onFirst = false;
                    shutdownsBetweenTransactions.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            synchronized (wrongErrors) {
                wrongErrors.add("connect: " + e.getSQLState() + " " + e.getMessage());
            }
        } finally {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException ignored) {
                // the test is over
            }
        }
    }

    private static Connection connect(int port) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ShardedCluster.USER);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rolling", properties);
    }

    private static String readyz(int port) {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().strip();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
