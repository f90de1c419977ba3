package dev.shardgate.bench.sql;

import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.SqlAnalyzer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SqlAnalyzer#analyze} of {@code pgbench -M simple} texts: every call gets a text it has not
 * seen as such (a ring of distinct keys larger than the exact-text cache could help with), which
 * only differs from earlier ones in its constants, so it is answered from the shape learned from the
 * first: mask the constants, look up the shape, fill in the constants. Compare with
 * {@link SqlAnalysisBenchmark#cold}, which parses.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class ConstantShapeBenchmark {
    private static final int TEXTS = 1 << 16;

    @Param({"select", "update"})
    public String query;

    private final String[] texts = new String[TEXTS];
    private SqlAnalyzer analyzer;
    private int next;

    @Setup
    public void prepare() {
        for (int i = 0; i < TEXTS; i++) {
            int aid = 1 + i * 15;
            texts[i] = switch (query) {
                case "select" -> "SELECT abalance FROM pgbench_accounts WHERE aid = " + aid + ";";
                case "update" -> "UPDATE pgbench_accounts SET abalance = abalance + -" + (1 + i % 5000) + " WHERE aid = " + aid + ";";
                default -> throw new IllegalArgumentException("unknown query " + query);
            };
        }
        analyzer = new SqlAnalyzer(10_000);
        Analysis first = analyzer.analyze(texts[0]);
        if (!first.isParsed() || first.statements().getFirst().filters().isEmpty()) {
            throw new IllegalStateException("benchmark query has no key: " + first);
        }
    }

    @Benchmark
    public Analysis byShape() {
        String sql = texts[next];
        next = (next + 1) & (TEXTS - 1);
        return analyzer.analyze(sql);
    }
}
