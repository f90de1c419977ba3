package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
import static dev.shardgate.it.replica.ReplicaConsoles.host;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SWITCHOVER SHARD on a router's console while bank transfers run straight against the primary: no
 * money appears or vanishes, and every transfer a client saw commit is on the new primary.
 */
class SwitchoverShardTest {
    private static final int ACCOUNTS = 10;
    private static final long BALANCE = 1000;
    private static final int WORKERS = 4;

    private static ReplicatedShards shards;
    private static RouterServer router;

    @BeforeAll
    static void start() throws Exception {
        shards = ReplicatedShards.start(1, 1);
        try (Connection primary = direct(shards.primary(0))) {
            execute(primary, "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)");
            execute(primary, "CREATE TABLE transfers (id bigint PRIMARY KEY)");
            execute(primary, "INSERT INTO accounts SELECT g, " + BALANCE + " FROM generate_series(1, " + ACCOUNTS + ") g");
        }
        shards.standby(0, 0).waitForReplay(shards.primary(0), Duration.ofSeconds(60));
        router = ReplicaConsoles.router(shards);
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (shards != null) {
            shards.close();
        }
    }

    @Test
    void noCommittedTransferIsLostAndNoMoneyIsMade() throws Exception {
        LocalPostgres oldPrimary = shards.primary(0);
        LocalPostgres standby = shards.standby(0, 0);
        Set<Long> committed = ConcurrentHashMap.newKeySet();
        AtomicLong ids = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> workers = java.util.stream.IntStream.range(0, WORKERS)
                .mapToObj(i -> Thread.ofVirtual().start(() -> transfer(oldPrimary, ids, committed, running)))
                .toList();
        List<List<String>> answer;
        try {
            Jdbc.await("100 transfers committed", 30_000, () -> committed.size() >= 100);
            try (Connection console = console(router.consolePort())) {
                answer = rows(console, "SWITCHOVER SHARD sh1");
            }
            int atSwitch = committed.size();
            Jdbc.await("workers to try again after the switchover", 5000, () -> ids.get() > atSwitch + WORKERS * 3L);
        } finally {
            running.set(false);
            for (Thread worker : workers) {
                worker.join();
            }
        }

        assertThat(answer).hasSize(1);
        assertThat(answer.getFirst().subList(0, 2)).containsExactly("sh1", host(standby));
        assertThat(answer.getFirst().get(3)).isEqualTo(host(oldPrimary));
        assertThat(answer.getFirst().get(4)).startsWith("former primary, needs re-attaching")
                .contains("dropped from the shard's hosts").doesNotContain("WARNING");
        assertThat(standby.isInRecovery()).isFalse();
        assertThat(router.context().metadata().shard("sh1").orElseThrow().hosts()).containsExactly(host(standby));

        try (Connection promoted = direct(standby)) {
            assertThat(Jdbc.column(promoted, "SELECT sum(balance) FROM accounts")).containsExactly(
                    Long.toString(ACCOUNTS * BALANCE));
            Set<Long> there = Jdbc.column(promoted, "SELECT id FROM transfers").stream().map(Long::parseLong)
                    .collect(Collectors.toSet());
            assertThat(there).as("transfers a client saw commit").containsAll(committed);
            execute(promoted, "INSERT INTO transfers VALUES (-1)");
        }
        try (Connection old = direct(oldPrimary)) {
            assertThat(Jdbc.column(old, "SHOW default_transaction_read_only")).containsExactly("on");
        }
    }

    /** Transfers between random accounts, locking the lower id first; an id counts once its COMMIT returned. */
    private static void transfer(LocalPostgres server, AtomicLong ids, Set<Long> committed, AtomicBoolean running) {
        while (running.get()) {
            try (Connection connection = direct(server)) {
                connection.setAutoCommit(false);
                while (running.get()) {
                    long id = ids.incrementAndGet();
                    int a = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
                    int b = a % ACCOUNTS + 1;
                    long amount = ThreadLocalRandom.current().nextLong(1, 50);
                    try (PreparedStatement move = connection.prepareStatement(
                            "UPDATE accounts SET balance = balance + CASE WHEN id = ? THEN -? ELSE ? END WHERE id IN (?, ?)");
                            PreparedStatement note = connection.prepareStatement("INSERT INTO transfers VALUES (?)")) {
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
            } catch (SQLException e) {
                // read-only (25006), terminated (57P01), refused: expected while and after the switchover
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
