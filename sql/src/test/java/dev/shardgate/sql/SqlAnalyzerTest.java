package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The analyzer as a whole: caching, concurrency, and never throwing or crashing on any text. */
class SqlAnalyzerTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(1000);

    @Test
    void repeatedTextIsServedFromTheCacheAsTheSameInstance() {
        String sql = "SELECT * FROM cache_probe WHERE id = $1";

        Analysis first = analyzer.analyze(sql);
        Analysis second = analyzer.analyze(new String(sql.toCharArray()));

        assertThat(second).isSameAs(first);
        assertThat(Rendered.keys(second)).containsExactly("cache_probe.id=$1");
    }

    @Test
    void parseErrorsAreCachedToo() {
        Analysis first = analyzer.analyze("SELEC cached_error");

        assertThat(analyzer.analyze("SELEC cached_error")).isSameAs(first);
    }

    @Test
    void cacheStaysWithinItsBound() {
        SqlAnalyzer small = new SqlAnalyzer(50);
        for (int i = 0; i < 500; i++) {
            small.analyze("SELECT " + i);
        }
        assertThat(small.cachedEntries()).isLessThanOrEqualTo(50);
    }

    @Test
    void zeroCacheEntriesDisablesCaching() {
        SqlAnalyzer uncached = new SqlAnalyzer(0);
        Analysis first = uncached.analyze("SELECT 1");

        assertThat(uncached.analyze("SELECT 1")).isNotSameAs(first).isEqualTo(first);
        assertThat(uncached.cachedEntries()).isZero();
    }

    @Test
    void longTextsAreAnalysedButNotCached() {
        StringBuilder values = new StringBuilder("INSERT INTO t (id) VALUES (0)");
        while (values.length() <= SqlAnalyzer.MAX_CACHED_TEXT_LENGTH) {
            values.append(", (1)");
        }
        SqlAnalyzer fresh = new SqlAnalyzer(10);
        Analysis analysis = fresh.analyze(values.toString());

        assertThat(analysis.statements().getFirst().insertRows()).hasSizeGreaterThan(5000);
        assertThat(fresh.cachedEntries()).isZero();
    }

    @Test
    void nullAndZeroBytesGiveErrorsNotExceptions() {
        assertThat(analyzer.analyze(null).parseError()).isNotNull();
        assertThat(analyzer.analyze("SELECT 1\0; DROP TABLE t").parseError()).contains("zero byte");
    }

    @Test
    void textLongerThanTheLimitIsNotParsed() {
        SqlAnalyzer limited = new SqlAnalyzer(0, 100);
        Analysis analysis = limited.analyze("SELECT " + "1, ".repeat(100) + "1");

        assertThat(analysis.parseError()).contains("longer than the 100 bytes");
        assertThat(limited.analyze("SELECT 1").parseError()).isNull();
    }

    @Test
    void deeplyNestedExpressionsDoNotOverflowTheNativeStack() {
        // About 128 kB of "+1" overflows a 4 MB native stack inside libpg_query, which kills the JVM;
        // the parser threads' stack is sized for the longest text parsed, and the tree is then refused as too deep.
        String sql = "SELECT 1" + "+1".repeat(SqlAnalyzer.DEFAULT_MAX_STATEMENT_BYTES / 2 - 8);

        Analysis analysis = analyzer.analyze(sql);

        assertThat(analysis.parseError()).isEqualTo("statement is nested too deeply to analyse");
        assertThat(analysis.statements()).isEmpty();
    }

    @Test
    void longButRealisticNestingIsAnalysed() {
        StringBuilder union = new StringBuilder("SELECT * FROM t WHERE id = 0");
        for (int i = 1; i < 3000; i++) {
            union.append(" UNION ALL SELECT * FROM t WHERE id = ").append(i);
        }
        Analysis unions = analyzer.analyze(union.toString());
        assertThat(unions.statements().getFirst().filters().getFirst().values()).hasSize(3000);

        Analysis sum = analyzer.analyze("SELECT * FROM t WHERE id = 5 AND v = a" + " + a".repeat(5000));
        assertThat(Rendered.keys(sum)).containsExactly("t.id=5");
    }

    @Test
    void grammarLimitsComeBackAsParseErrors() {
        Analysis analysis = analyzer.analyze("SELECT " + "(".repeat(20_000) + "1" + ")".repeat(20_000));

        assertThat(analysis.parseError()).isNotNull();
        assertThat(analysis.statements()).isEmpty();
    }

    @Test
    void randomTextNeverThrows() {
        String[] tokens = {"SELECT", "INSERT", "INTO", "UPDATE", "SET", "DELETE", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "(", ")",
            ",", ";", "=", "$1", "$2", "'x'", "\"Q\"", "t", "u.v", "1", "-", "::int", "JOIN", "ON", "USING", "WITH", "AS", "VALUES",
            "/*", "*/", "--", "\n", "$$", "E'\\'", "é", "😀", "\t", "RETURNING", "ANY", "ARRAY[", "]", "NULL", "LATERAL", "UNION"};
        Random random = new Random(42);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sql = new StringBuilder();
            int length = random.nextInt(25);
            for (int j = 0; j < length; j++) {
                sql.append(tokens[random.nextInt(tokens.length)]).append(random.nextBoolean() ? " " : "");
            }
            String text = sql.toString();
            Analysis analysis = analyzer.analyze(text);
            assertThat(analysis).as(text).isNotNull();
            assertThat(analysis.parseError() == null || analysis.statements().isEmpty()).as(text).isTrue();
        }
    }

    @Test
    void unpairedSurrogatesDoNotBreakTheAnalysis() {
        Analysis analysis = analyzer.analyze("SELECT * FROM t WHERE name = '\uD800' AND id = 1");

        assertThat(Rendered.keys(analysis)).contains("t.id=1");
    }

    @Test
    void concurrentCallersFromVirtualAndPlatformThreadsGetCorrectResults() throws Exception {
        SqlAnalyzer shared = new SqlAnalyzer(64);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService platformThreads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 400; i++) {
                int key = i % 100;
                ExecutorService executor = i % 2 == 0 ? virtualThreads : platformThreads;
                results.add(executor.submit(() -> String.join(",",
                        Rendered.keys(shared.analyze("SELECT * FROM t WHERE id = " + key + " AND v = 'k" + key + "'")))));
            }
            for (int i = 0; i < results.size(); i++) {
                int key = i % 100;
                assertThat(results.get(i).get()).isEqualTo("t.id=" + key + ",t.v='k" + key + "'");
            }
        }
    }

    @Test
    void interruptedCallerGetsNoExceptionAndKeepsItsInterruptFlag() {
        String sql = "SELECT 'interrupted caller'";
        Thread.currentThread().interrupt();
        Analysis analysis;
        try {
            analysis = analyzer.analyze(sql);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        // Either the parse finished before the wait noticed the interrupt, or the caller was told.
        if (analysis.parseError() != null) {
            assertThat(analysis.parseError()).contains("interrupted");
        }
        assertThat(analyzer.analyze(sql).parseError()).isNull();
    }
}
