package dev.shardgate.bench.route;

import dev.shardgate.bench.meta.AccountsMetadata;
import dev.shardgate.bench.sql.PgbenchQueries;
import dev.shardgate.meta.Metadata;
import dev.shardgate.router.route.BoundValues;
import dev.shardgate.router.route.QueryStringRoute;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Hints;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.sql.Statement;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * Routing at Bind: {@link StatementRouter#route} on a cached analysis of pgbench's select with the
 * key bound as text (libpq's default) or as binary int4, and with the key as a literal (simple
 * protocol). {@code bindPath} adds what the session does around it for every Bind: the cache lookup
 * of the statement's text, the hint scan and combining the statements' routes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class StatementRoutingBenchmark {
    private static final int INT4_OID = 23;

    @Param({"2", "1000"})
    public int ranges;

    private Metadata metadata;
    private SqlAnalyzer analyzer;
    private Statement byParameter;
    private Statement byLiteral;
    private byte[][] textValues;
    private byte[][] binaryValues;

    @Setup
    public void prepare() {
        metadata = AccountsMetadata.withRanges(ranges);
        analyzer = new SqlAnalyzer(10_000);
        byParameter = onlyStatement(analyzer.analyze(PgbenchQueries.SELECT_BY_PARAMETER));
        byLiteral = onlyStatement(analyzer.analyze(PgbenchQueries.SELECT_BY_LITERAL));
        long aid = Math.min(424, AccountsMetadata.lastKey(ranges));
        textValues = new byte[][] {Long.toString(aid).getBytes(StandardCharsets.UTF_8)};
        binaryValues = new byte[][] {ByteBuffer.allocate(4).putInt((int) aid).array()};
        Route check = StatementRouter.route(metadata, byParameter, textBound());
        if (!(check instanceof Route.OneShard)) {
            throw new IllegalStateException("benchmark statement does not route to one shard: " + check);
        }
    }

    private static Statement onlyStatement(Analysis analysis) {
        if (!analysis.isParsed() || analysis.statements().size() != 1) {
            throw new IllegalStateException("expected one statement, got " + analysis);
        }
        return analysis.statements().getFirst();
    }

    /** As the session builds it at each Bind: Parse's types (none from libpq), Bind's formats and values. */
    private BoundValues textBound() {
        return new BoundValues(new int[0], new short[0], textValues);
    }

    @Benchmark
    public Route textParameter() {
        return StatementRouter.route(metadata, byParameter, textBound());
    }

    @Benchmark
    public Route binaryParameter() {
        return StatementRouter.route(metadata, byParameter,
                new BoundValues(new int[] {INT4_OID}, new short[] {1}, binaryValues));
    }

    @Benchmark
    public Route literal() {
        return StatementRouter.route(metadata, byLiteral, null);
    }

    /** Cache hit on the text, hint scan, route per statement, combine: the session's work per Bind. */
    @Benchmark
    public Route bindPath() {
        String sql = PgbenchQueries.SELECT_BY_PARAMETER;
        Analysis analysis = analyzer.analyze(sql);
        Map<String, String> hints = Hints.fromComments(sql);
        if (!hints.isEmpty()) {
            throw new IllegalStateException("unexpected hints " + hints);
        }
        List<Route> routes = new ArrayList<>(analysis.statements().size());
        for (Statement statement : analysis.statements()) {
            routes.add(StatementRouter.route(metadata, statement, textBound()));
        }
        return QueryStringRoute.of(analysis.statements(), routes, missing -> missing);
    }
}
