package dev.shardgate.bench.metrics;

import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.metrics.RouteKind;
import dev.shardgate.router.metrics.RouterMetrics;
import dev.shardgate.router.metrics.SessionMetrics;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.router.pool.PoolKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording costs a session per pgbench -S transaction (one Query in, RowDescription, DataRow,
 * CommandComplete and ReadyForQuery out): {@link #selectOnlyTransaction} against {@link #baseline},
 * which does the same work with nothing recorded. Run with {@code -t 2} too: every session of one
 * user and shard shares the counters' LongAdders, so contention shows there.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionMetricsBenchmark {

    @State(Scope.Benchmark)
    public static class Shared {
        final RouterMetrics metrics = new RouterMetrics();
        final BackendPool pool = pool("sh1");
        final BackendPool second = pool("sh2");

        private static BackendPool pool(String shard) {
            return new BackendPool(new PoolKey(shard, "bench", "bench"), List.of(BackendAddress.parse(shard, "localhost:5432")),
                    new BackendRule("bench", "bench", 10, false, true, AuthRule.ok(), false), Duration.ofSeconds(1), null);
        }
    }

    @State(Scope.Thread)
    public static class Session {
        SessionMetrics recorder;
        BackendPool pool;
        BackendPool second;
        long transactions;

        @Setup(Level.Trial)
        public void open(Shared shared) {
            recorder = shared.metrics.session("bench", "bench");
            pool = shared.pool;
            second = shared.second;
        }
    }

    @Benchmark
    @Threads(1)
    public long baseline(Session session) {
        return session.pool.key().shard().length();
    }

    @Benchmark
    @Threads(1)
    public long selectOnlyTransaction(Session session) {
        SessionMetrics recorder = session.recorder;
        recorder.messageIn(52);
        recorder.sent(30);
        recorder.sent(14);
        recorder.sent(13);
        recorder.sent(1);
        recorder.ready(session.pool, (byte) 'I');
        return session.pool.key().shard().length();
    }

    /** The same over two shards, as pgbench -S through the benchmark's router: each transaction on either, alternately. */
    @Benchmark
    @Threads(1)
    public long twoShardTransaction(Session session) {
        SessionMetrics recorder = session.recorder;
        BackendPool pool = (session.transactions++ & 1) == 0 ? session.pool : session.second;
        recorder.messageIn(52);
        recorder.sent(30);
        recorder.sent(14);
        recorder.sent(13);
        recorder.sent(1);
        recorder.ready(pool, (byte) 'I');
        return pool.key().shard().length();
    }

    @Benchmark
    @Threads(1)
    public long localAnswer(Session session) {
        session.recorder.messageIn(10);
        session.recorder.answered(RouteKind.LOCAL, (byte) 'T');
        return 0;
    }
}
