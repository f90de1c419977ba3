package dev.shardgate.it.twophase;

import static dev.shardgate.it.twophase.BankCluster.execute;
import static dev.shardgate.it.twophase.BankCluster.number;
import static dev.shardgate.it.twophase.BankCluster.prepared;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The bank-transfer invariant across a router crash: transfers between accounts on two shards,
 * committed by two-phase commit, by several clients at once; the router is killed with SIGKILL in
 * the middle and started again. Money is neither made nor lost, and no prepared transaction is left.
 */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
class BankTransferCrashTest {
    private static final String DATABASE = "twophase_bank";
    static final int ACCOUNTS_PER_SHARD = 10;
    static final int OPENING_BALANCE = 1000;
    static final int CLIENTS = 6;

    @Test
    void theTotalBalanceSurvivesARouterKilledInTheMiddleOfTransfers(PostgresServers servers) throws Exception {
        List<Connection> shards = BankCluster.prepareShards(servers, DATABASE);
        try {
            for (int i = 0; i < ACCOUNTS_PER_SHARD; i++) {
                execute(shards.get(0), "INSERT INTO accounts VALUES (" + i + ", " + OPENING_BALANCE + ")");
                execute(shards.get(1), "INSERT INTO accounts VALUES (" + (1000 + i) + ", " + OPENING_BALANCE + ")");
            }
            long total = 2L * ACCOUNTS_PER_SHARD * OPENING_BALANCE;
            AtomicLong committed = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            try (RouterChild router = RouterChild.start(servers, DATABASE)) {
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(Thread.ofPlatform().name("transfer-" + c).start(
                            () -> transfer(router.port, DATABASE, stop, committed, failed)));
                }
                waitFor(committed, 100);
                router.kill();
                long atKill = committed.get();
                RouterChild.sleepMillis(300);
                router.launch(); // recovery runs before it accepts clients
                waitFor(() -> committed.get() - atKill, 100);
                stop.set(true);
                for (Thread client : clients) {
                    client.join(60_000);
                }
                assertThat(router.logText()).contains("event=two_phase_recovery_done");
            }
            assertThat(failed.get()).as("transfers cut off by the kill").isPositive();
            long sum = number(shards.get(0), "SELECT sum(balance) FROM accounts")
                    + number(shards.get(1), "SELECT sum(balance) FROM accounts");
            assertThat(sum).as("money across both shards after " + committed.get() + " transfers").isEqualTo(total);
            assertThat(prepared(shards.get(0))).isEmpty();
            assertThat(prepared(shards.get(1))).isEmpty();
        } finally {
            for (Connection shard : shards) {
                shard.close();
            }
        }
    }

    /** Transfers until told to stop, reconnecting whenever the router goes away. */
    static void transfer(int port, String database, AtomicBoolean stop, AtomicLong committed, AtomicLong failed) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (!stop.get()) {
            try (Connection client = BankCluster.connect(port, database, true); Statement statement = client.createStatement()) {
                while (!stop.get()) {
                    int from = random.nextInt(ACCOUNTS_PER_SHARD);
                    int to = 1000 + random.nextInt(ACCOUNTS_PER_SHARD);
                    int amount = random.nextInt(-50, 51); // either direction; sh1 is always locked first
                    statement.execute("BEGIN");
                    statement.execute("UPDATE accounts SET balance = balance - " + amount + " WHERE id = " + from);
                    statement.execute("UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + to);
                    statement.execute("COMMIT");
                    committed.incrementAndGet();
                }
            } catch (SQLException e) {
                failed.incrementAndGet();
                RouterChild.sleepMillis(50);
            }
        }
    }

    static void waitFor(AtomicLong counter, long atLeast) {
        waitFor(counter::get, atLeast);
    }

    static void waitFor(LongSupplier counter, long atLeast) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (counter.getAsLong() < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + counter.getAsLong() + " transfers committed, expected " + atLeast);
            }
            RouterChild.sleepMillis(20);
        }
    }
}
