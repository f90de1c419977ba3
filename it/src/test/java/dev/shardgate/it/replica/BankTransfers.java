package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A bank-transfer workload for switchovers: transfers between accounts, each noted with its id in
 * {@code transfers}; an id counts as committed once its COMMIT returned. Money is only moved, so
 * the sum of balances never changes.
 */
final class BankTransfers implements AutoCloseable {
    static final int ACCOUNTS = 10;
    static final long BALANCE = 1000;

    interface Connect {
        Connection open() throws SQLException;
    }

    final Set<Long> committed = ConcurrentHashMap.newKeySet();
    /** Every error a worker saw, as SQLSTATE and message. */
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicLong ids = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> workers = new ArrayList<>();

    /** The statements that create and fill the tables, for {@link ReplicaCluster#start}. */
    static String[] tables() {
        return new String[] {
                "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)",
                "CREATE TABLE transfers (id bigint PRIMARY KEY)",
                "INSERT INTO accounts SELECT g, " + BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") g"};
    }

    BankTransfers(int workers, Connect connect) {
        this(java.util.Collections.nCopies(workers, connect));
    }

    /** One worker per entry, each connecting its way (e.g. through different routers). */
    BankTransfers(List<Connect> workers) {
        for (Connect connect : workers) {
            this.workers.add(Thread.ofVirtual().start(() -> run(connect)));
        }
    }

    private void run(Connect connect) {
        while (running.get()) {
            try (Connection connection = connect.open()) {
                connection.setAutoCommit(false);
                while (running.get()) {
                    transfer(connection);
                }
            } catch (SQLException e) {
                errors.add(e.getSQLState() + " " + e.getMessage());
                pause();
            }
        }
    }

    /** Locks the lower id first: two transfers never deadlock. */
    private void transfer(Connection connection) throws SQLException {
        long id = ids.incrementAndGet();
        int a = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
        int b = a % ACCOUNTS + 1;
        long amount = ThreadLocalRandom.current().nextLong(1, 50);
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT id FROM accounts WHERE id IN (?, ?) ORDER BY id FOR UPDATE");
             PreparedStatement move = connection.prepareStatement(
                "UPDATE accounts SET balance = balance + CASE WHEN id = ? THEN -? ELSE ? END WHERE id IN (?, ?)");
             PreparedStatement note = connection.prepareStatement("INSERT INTO transfers VALUES (?)")) {
            lock.setInt(1, a);
            lock.setInt(2, b);
            lock.executeQuery().close();
            move.setInt(1, a);
            move.setLong(2, amount);
            move.setLong(3, amount);
            move.setInt(4, a);
            move.setInt(5, b);
            move.executeUpdate();
            note.setLong(1, id);
            note.executeUpdate();
        }
        connection.commit();
        committed.add(id);
    }

    /** On {@code server}: the sum of balances the accounts started with, and every transfer a client saw commit. */
    void assertKeptOn(LocalPostgres server) throws SQLException {
        try (Connection connection = direct(server)) {
            assertThat(Jdbc.column(connection, "SELECT sum(balance) FROM accounts")).as("sum of balances")
                    .containsExactly(Long.toString(ACCOUNTS * BALANCE));
            Set<Long> there = Jdbc.column(connection, "SELECT id FROM transfers").stream().map(Long::parseLong)
                    .collect(Collectors.toSet());
            assertThat(there).as("transfers a client saw commit").containsAll(committed);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread worker : workers) {
            worker.join();
        }
    }
}
