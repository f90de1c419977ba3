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
 * {@link SqlAnalyzer#analyze}: cold (cache disabled, so every call parses with libpg_query on a parser
 * thread, reads the JSON tree and builds the analysis) and cached (the same text again: one lookup).
 * Cold is what every {@code pgbench -M simple} statement costs, since its texts never repeat.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class SqlAnalysisBenchmark {
    @Param({"select", "update", "join"})
    public String query;

    private String sql;
    private SqlAnalyzer uncached;
    private SqlAnalyzer cached;

    @Setup
    public void prepare() {
        sql = PgbenchQueries.named(query);
        uncached = new SqlAnalyzer(0);
        cached = new SqlAnalyzer(10_000);
        Analysis analysis = cached.analyze(sql);
        if (!analysis.isParsed()) {
            throw new IllegalStateException("benchmark query does not parse: " + analysis.parseError());
        }
    }

    @Benchmark
    public Analysis cold() {
        return uncached.analyze(sql);
    }

    @Benchmark
    public Analysis cachedHit() {
        return cached.analyze(sql);
    }
}
