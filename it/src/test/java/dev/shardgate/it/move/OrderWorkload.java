package dev.shardgate.it.move;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Three clients of the moves' tests updating, reading and now and then inserting orders through
 * the router while data moves: every update must find its row, every read the row's note, every
 * statement succeed. {@link #end()} stops them and returns the keys they inserted.
 */
final class OrderWorkload {
    private static final int CLIENTS = 3;

    /**
     * @param existing    a key the orders table holds (the clients update and read it)
     * @param fresh       a key it does not hold yet (inserted)
     * @param insertOneIn one statement in this many inserts a fresh key
     * @param maxInserts  no insert beyond this many
     */
    record Keys(LongSupplier existing, LongSupplier fresh, int insertOneIn, int maxInserts) {
    }

    private final MoveCluster cluster;
    private final Keys keys;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Long> inserted = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final List<Future<?>> futures = new ArrayList<>();

    /** Starts the clients and lets them run 300 ms before the caller moves anything. */
    OrderWorkload(MoveCluster cluster, Keys keys) throws InterruptedException {
        this.cluster = cluster;
        this.keys = keys;
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(clients.submit(this::loop));
        }
        Thread.sleep(300);
    }

    /** Stops the clients; returns the keys they inserted, after checking that they saw no error and did at least {@code minOperations}. */
    List<Long> end(long minOperations) throws Exception {
        running.set(false);
        for (Future<?> future : futures) {
            future.get();
        }
        clients.shutdown();
        assertThat(errors).isEmpty();
        assertThat(operations.get()).isGreaterThan(minOperations);
        return List.copyOf(inserted);
    }

    private Void loop() throws SQLException {
        try (Connection client = cluster.client();
                PreparedStatement update = client.prepareStatement("UPDATE orders SET note = 'n' || id WHERE id = ?");
                PreparedStatement select = client.prepareStatement("SELECT note FROM orders WHERE id = ?");
                PreparedStatement insert = client.prepareStatement("INSERT INTO orders (id, note) VALUES (?, ?)")) {
            while (running.get()) {
                long key = keys.existing().getAsLong();
                try {
                    update.setLong(1, key);
                    if (update.executeUpdate() != 1) {
                        errors.add("update of " + key + " found no row");
                    }
                    select.setLong(1, key);
                    try (ResultSet row = select.executeQuery()) {
                        if (!row.next() || !row.getString(1).equals("n" + key)) {
                            errors.add("select of " + key + " found no row");
                        }
                    }
                    if (inserted.size() < keys.maxInserts() && ThreadLocalRandom.current().nextInt(keys.insertOneIn()) == 0) {
                        long id = keys.fresh().getAsLong();
                        insert.setLong(1, id);
                        insert.setString(2, "n" + id);
                        insert.executeUpdate();
                        inserted.add(id);
                    }
                    operations.incrementAndGet();
                } catch (SQLException e) {
                    errors.add(key + ": " + e.getSQLState() + " " + e.getMessage());
                }
            }
        }
        return null;
    }
}
