package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that asks for a 3 GB result and reads none of it: the router's memory stays bounded,
 * because the relay blocks writing to the client and so stops reading the shard, whose backend then
 * waits in ClientWrite (backpressure all the way to the shard). When the client goes, its backend is
 * freed for others. On the event loops and without them.
 */
@RealPostgres(servers = 1)
@Timeout(180)
class UnreadResultTest {
    private static final String LARGE_RESULT = "select repeat('x', 1000) from generate_series(1, 3000000)";
    /** Generous: the socket buffers and one relay's buffers are a few MB; the result is 3 GB. */
    private static final long HEAP_GROWTH_BOUND = 64L << 20;

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aClientThatReadsNothingCostsTheRouterNoMoreThanItsBuffers(int eventLoops, PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_unread_" + eventLoops);
        var config = RunningRouter.trusting(RunningRouter.configFor(shard).eventLoops(eventLoops), account, 1);
        try (RunningRouter router = RunningRouter.start(config)) {
            try (Connection warm = router.connect(account)) {
                Sql.single(warm, "select 1");
            }
            long heapBefore = heapAfterGc();
            long rssBefore = residentKilobytes();
            try (RawClient stalled = new RawClient(router.port())) {
                stalled.send(RawClient.startup(account));
                assertThat(stalled.readUntilReady(Duration.ofSeconds(10))).isTrue();
                stalled.send(RawClient.query(LARGE_RESULT));

                awaitShardWaitingForTheRouter(shard, account);
                Thread.sleep(2000); // had the router kept reading, it would have taken in hundreds of MB by now
                long heapStalled = heapAfterGc();
                long rssStalled = residentKilobytes();
                System.out.printf("unread result, event_loops=%d: heap after GC %d kB -> %d kB, RSS %d kB -> %d kB%n",
                        eventLoops, heapBefore / 1024, heapStalled / 1024, rssBefore, rssStalled);
                assertThat(heapStalled - heapBefore).as("heap growth while the client reads nothing of a 3 GB result")
                        .isLessThan(HEAP_GROWTH_BOUND);
                awaitShardWaitingForTheRouter(shard, account); // still stalled, not finished
            }
            // the client left mid-result: the only backend (connection_limit 1) serves the next client
            try (Connection next = router.connect(account)) {
                assertThat(Sql.single(next, "select 'served after the stalled client left'"))
                        .isEqualTo("served after the stalled client left");
            }
        }
    }

    /** The shard's backend is blocked sending to the router (wait event ClientWrite), within 30 s. */
    private static void awaitShardWaitingForTheRouter(LocalPostgres shard, Account account) throws InterruptedException {
        String sql = "SELECT coalesce(wait_event, 'none') FROM pg_stat_activity WHERE usename = '" + account.user()
                + "' AND query LIKE 'select repeat%' AND state = 'active'";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String waitEvent = "";
        while (System.nanoTime() < deadline) {
            waitEvent = shard.psql("postgres", sql);
            if (waitEvent.equals("ClientWrite")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the shard's backend never waited for the router to read; wait event: '" + waitEvent + "'");
    }

    private static long heapAfterGc() {
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return heap;
    }

    private static long residentKilobytes() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    }
}
