package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgjdbc batches and prepared statements from six clients sharing two backends per shard
 * (connection_limit 2, TRANSACTION pool mode); each batch stays within one key range, and the rows
 * end up on their ranges' shards.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchRoutingTest {
    private static final int CLIENTS = 6;
    private static final int BATCHES = 10;
    private static final int ROWS_PER_BATCH = 10;

    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_batches").schema(Orders.SCHEMA).initSql(Orders.init(2))
                .connectionLimit(2)
                .start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        cluster.onEveryShard("TRUNCATE orders, items");
    }

    /**
     * A statement refused by the router in the middle of an extended-protocol batch, after the batch's
     * first statement already went to a shard: the client gets the refusal, nothing of the batch
     * commits, and the connection goes on.
     */
    @org.junit.jupiter.api.Test
    void aRefusalInTheMiddleOfABatchWritesNothing() throws Exception {
        try (Connection router = cluster.connect(Protocol.EXTENDED);
                java.sql.Statement statement = router.createStatement()) {
            statement.addBatch("INSERT INTO orders (id, customer) VALUES (5, 'first')");
            statement.addBatch("UPDATE orders SET amount = 1"); // no key: refused under BLOCK
            java.sql.BatchUpdateException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.sql.BatchUpdateException.class, statement::executeBatch);
            java.sql.SQLException cause = refused.getNextException() != null ? refused.getNextException() : refused;
            assertThat(cause.getSQLState()).isEqualTo("0A000");
            assertThat(cause.getMessage()).contains("no sharding key found for relation public.orders");
            assertThat(cluster.onEachShard("SELECT count(*) FROM orders")).isEqualTo(cluster.everywhere("0"));
            try (java.sql.ResultSet rows = router.createStatement().executeQuery("SELECT 'still here'")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("still here");
            }
        }
    }

    /** Key j of batch b of client c, in the range of shard (c + b) % 2: ids 0..999 and 1000..1999. */
    private static long key(int client, int batch, int row) {
        return (client + batch) % 2 * 1000L + client * 100 + batch * ROWS_PER_BATCH + row;
    }

    @Test
    void sixClientsBatchingThroughTwoBackendsPerShard() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(clients.submit(() -> runClient(client, Protocol.values()[client % Protocol.values().length])));
            }
            for (Future<Integer> client : done) {
                assertThat(client.get(60, TimeUnit.SECONDS)).isEqualTo(BATCHES * ROWS_PER_BATCH);
            }
        } finally {
            clients.shutdownNow();
        }
        int total = CLIENTS * BATCHES * ROWS_PER_BATCH;
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders")).isEqualTo(cluster.everywhere(Integer.toString(total / 2)));
        assertThat(cluster.on("sh1", "SELECT count(*) FROM orders WHERE id >= 1000")).isEqualTo("0");
        assertThat(cluster.on("sh2", "SELECT count(*) FROM orders WHERE id < 1000")).isEqualTo("0");
        assertThat(cluster.onEachShard("SELECT sum(amount) FROM orders")).isEqualTo(cluster.everywhere(Integer.toString(total / 2)));
    }

    /** Batches of inserts, alternately in autocommit and in a transaction, then one update per row by key. */
    private int runClient(int client, Protocol protocol) throws SQLException {
        int inserted = 0;
        try (Connection router = cluster.connect(protocol, "ApplicationName", "client-" + client);
                PreparedStatement insert = router.prepareStatement("INSERT INTO orders (id, customer) VALUES (?, ?)");
                PreparedStatement bump = router.prepareStatement("UPDATE orders SET amount = amount + 1 WHERE id = ?")) {
            for (int b = 0; b < BATCHES; b++) {
                router.setAutoCommit(b % 2 == 0);
                for (int j = 0; j < ROWS_PER_BATCH; j++) {
                    insert.setLong(1, key(client, b, j));
                    insert.setString(2, "client-" + client);
                    insert.addBatch();
                }
                for (int count : insert.executeBatch()) {
                    inserted += count;
                }
                if (!router.getAutoCommit()) {
                    router.commit();
                }
            }
            router.setAutoCommit(true);
            for (int b = 0; b < BATCHES; b++) {
                for (int j = 0; j < ROWS_PER_BATCH; j++) {
                    bump.setLong(1, key(client, b, j));
                    assertThat(bump.executeUpdate()).isEqualTo(1);
                }
            }
        }
        return inserted;
    }
}
