package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.ClientLimits;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Timeout;

/**
 * At least 100,000 malformed startup packets and messages from a seeded generator ({@link Fuzz}) to
 * the router and its console: bad lengths, random bytes after a valid startup, bad protocol
 * versions, SSL and GSS requests followed by garbage, bogus cancels, garbage after a login. Through
 * it all a normal client is served; every complete packet the router cannot accept is answered or
 * the connection closed, never left hanging; and afterwards the router holds as many descriptors as
 * before and its heap after a GC is within 20% of before. (The run: RSS 114 MB → 1.89 GB and
 * 23 → 312 descriptors, neither given back.) {@code -Dfuzz.seed=N} replays another sequence.
 */
@RealPostgres(servers = 1)
@Timeout(240)
class FuzzedClientsTest {
    private static final long SEED = Long.getLong("fuzz.seed", 20261207L);
    private static final int PACKETS = 100_000;
    private static final int FUZZERS = 8;
    private static final String CONSOLE_USER = "fuzz_admin";
    private static final String CONSOLE_PASSWORD = "fuzz_admin-pw";

    @Test
    void malformedPacketsLeaveTheRouterServingAndTakeNothingAway(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_fuzz");
        var config = RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, 2)
                .frontendRule(FrontendRule.console(CONSOLE_USER, new AuthRule(AuthMethod.MD5, CONSOLE_PASSWORD)))
                // a short login deadline: abandoned half-logins end sooner; failed logins are not delayed,
                // so that the run measures the router, not the brake
                .clientLimits(ClientLimits.DEFAULTS.withAuthTimeout(Duration.ofSeconds(3)).withAuthFailureDelay(Duration.ZERO));
        try (RunningRouter router = RunningRouter.start(config)) {
            Random seeds = new Random(SEED);
            fuzz(router, account, seeds, 3_000); // warm-up: classes loaded
            openEveryBackend(router, account);
            // the host health checks (every 2 s) keep a connection of their own: counted once it is open
            Thread.sleep(5000);
            Footprint before = Footprint.settled(router, Long.MAX_VALUE);

            NormalClient normal = NormalClient.start(router, account);
            long start = System.nanoTime();
            Tally tally;
            // one INFO line per refused connection is what an operator wants, but not 50,000 in the build's output
            ch.qos.logback.classic.Logger shardgate = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.shardgate");
            Level level = shardgate.getLevel();
            shardgate.setLevel(Level.WARN);
            try {
                tally = fuzz(router, account, seeds, PACKETS);
            } finally {
                shardgate.setLevel(level);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            normal.stop();

            Footprint after = Footprint.settled(router, before.descriptors());
            System.out.printf("fuzz seed=%d packets=%d connections=%d took=%s normal_queries=%d%n"
                            + "before: %s%nafter:  %s%n",
                    SEED, tally.packets.get(), tally.connections.get(), took, normal.served.get(), before, after);

            assertThat(tally.packets.get()).isGreaterThanOrEqualTo(PACKETS);
            assertThat(tally.hangs).as("complete packets neither answered nor closed within 5 s").isEmpty();
            assertThat(normal.failures).as("the normal client's failures during the run").isEmpty();
            assertThat(normal.served.get()).as("queries the normal client got answered").isPositive();
            assertThat(after.descriptors()).as("open descriptors after the run (before: " + before.descriptors()
                            + "); new ones: " + after.newSince(before))
                    .isLessThanOrEqualTo(before.descriptors());
            assertThat((double) after.heapBytes()).as("heap after a GC, before: " + before.heapBytes())
                    .isLessThanOrEqualTo(before.heapBytes() * 1.2);
            try (Connection connection = router.connect(account)) {
                assertThat(Sql.single(connection, "select 'still serving'")).isEqualTo("still serving");
            }
        }
    }

    /**
     * Both of the pool's backends (connection_limit 2) opened before the count, so that a backend
     * the pool opens during the run for the normal client is not counted as a leak.
     */
    private static void openEveryBackend(RunningRouter router, Account account) throws SQLException {
        try (Connection one = router.connect(account); Connection two = router.connect(account)) {
            one.setAutoCommit(false);
            two.setAutoCommit(false);
            Sql.single(one, "select 1");
            Sql.single(two, "select 2");
            one.commit();
            two.commit();
        }
    }

    private static final class Tally {
        final AtomicLong packets = new AtomicLong();
        final AtomicLong connections = new AtomicLong();
        final List<String> hangs = new CopyOnWriteArrayList<>();
    }

    /** {@value #FUZZERS} virtual threads play cases until {@code packets} have been sent; a fifth of them to the console. */
    private static Tally fuzz(RunningRouter router, Account account, Random seeds, long packets) throws InterruptedException {
        Tally tally = new Tally();
        List<Thread> fuzzers = new ArrayList<>();
        for (int i = 0; i < FUZZERS; i++) {
            Random random = new Random(seeds.nextLong());
            // spread over 127.0.0.2…: many source addresses, and none shared with the normal client
            String localAddress = "127.0.0." + (2 + i);
            Fuzz toRouter = new Fuzz(random, account.user(), account.password(), account.database());
            Fuzz toConsole = new Fuzz(random, CONSOLE_USER, CONSOLE_PASSWORD, "spqr-console");
            fuzzers.add(Thread.ofVirtual().start(() -> {
                while (tally.packets.get() < packets) {
                    boolean console = random.nextInt(5) == 0;
                    try {
                        Fuzz.Outcome outcome = (console ? toConsole : toRouter)
                                .play(localAddress, console ? router.consolePort() : router.port());
                        tally.packets.addAndGet(outcome.packets());
                        tally.connections.incrementAndGet();
                        if (outcome.hung()) {
                            tally.hangs.add((console ? "console: " : "router: ") + outcome.kind());
                        }
                    } catch (IOException e) {
                        tally.connections.incrementAndGet(); // refused or reset on connect: the router's to choose
                    }
                }
            }));
        }
        for (Thread fuzzer : fuzzers) {
            fuzzer.join();
        }
        return tally;
    }

    /** A client doing what clients do, a new connection and a query at a time, throughout the run. */
    private static final class NormalClient {
        final AtomicInteger served = new AtomicInteger();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        static NormalClient start(RunningRouter router, Account account) {
            NormalClient client = new NormalClient();
            client.thread = Thread.ofVirtual().start(() -> {
                while (client.running.get()) {
                    try (Connection connection = router.connect(account, Map.of("socketTimeout", "10", "loginTimeout", "10"))) {
                        assertThat(Sql.single(connection, "select 1 + 1")).isEqualTo("2");
                        client.served.incrementAndGet();
                    } catch (SQLException | AssertionError e) {
                        client.failures.add(e.toString());
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            return client;
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    /** What the router holds: this JVM's open descriptors, heap in use after a GC, resident memory. */
    private record Footprint(long descriptors, long heapBytes, long rssKilobytes, int clients, List<String> targets) {
        /** What the descriptors open now and not in {@code earlier} point to: sockets, files, pipes. */
        List<String> newSince(Footprint earlier) {
            List<String> added = new ArrayList<>(targets);
            earlier.targets().forEach(added::remove);
            return added;
        }

        /**
         * Measured once the router has let every fuzzing client go (it ends abandoned logins at
         * auth_timeout at the latest) and descriptors are down to {@code target}, or after 30 s.
         */
        static Footprint settled(RunningRouter router, long target) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Footprint now = measure(router);
            while ((now.clients() > 0 || now.descriptors() > target) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                now = measure(router);
            }
            return now;
        }

        private static Footprint measure(RunningRouter router) {
            long heap = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) { // the smallest of three: a GC may leave garbage a concurrent thread just made
                System.gc();
                heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            List<String> targets = descriptorTargets();
            return new Footprint(targets.size(), heap, residentKilobytes(), router.clients(), targets);
        }

        private static List<String> descriptorTargets() {
            try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
                return open.map(fd -> {
                    try {
                        return Files.readSymbolicLink(fd).toString();
                    } catch (IOException e) {
                        return "(closed meanwhile)";
                    }
                }).filter(target -> !target.equals("(closed meanwhile)")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static long residentKilobytes() {
            try {
                return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("VmRSS:"))
                        .map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public String toString() {
            return "descriptors=" + descriptors + " heap_after_gc=" + heapBytes / 1024 + "kB rss=" + rssKilobytes + "kB clients=" + clients;
        }
    }
}
