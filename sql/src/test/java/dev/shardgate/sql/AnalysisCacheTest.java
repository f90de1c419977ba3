package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnalysisCacheTest {
    private static Analysis analysis(String marker) {
        return Analysis.failed(marker);
    }

    @Test
    void firstStoredAnalysisWins() {
        AnalysisCache<Analysis> cache = new AnalysisCache<>(10);
        Analysis first = analysis("first");

        assertThat(cache.putIfAbsent("q", first)).isSameAs(first);
        assertThat(cache.putIfAbsent("q", analysis("second"))).isSameAs(first);
        assertThat(cache.get("q")).isSameAs(first);
    }

    @Test
    void entriesReadSinceTheLastSweepSurviveIt() {
        AnalysisCache<Analysis> cache = new AnalysisCache<>(10);
        for (int i = 0; i < 10; i++) {
            cache.putIfAbsent("q" + i, analysis("a" + i));
        }
        cache.putIfAbsent("q10", analysis("a10"));
        cache.get("q7");

        for (int i = 11; i < 16; i++) {
            cache.putIfAbsent("q" + i, analysis("a" + i));
            cache.get("q7");
        }

        assertThat(cache.size()).isLessThanOrEqualTo(10);
        assertThat(cache.get("q7")).isNotNull();
    }

    @Test
    void justStoredEntryIsNeverTheOneEvicted() {
        AnalysisCache<Analysis> cache = new AnalysisCache<>(3);
        for (int i = 0; i < 100; i++) {
            Analysis stored = analysis("a" + i);
            cache.putIfAbsent("q" + i, stored);
            assertThat(cache.get("q" + i)).isSameAs(stored);
        }
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        AnalysisCache<Analysis> cache = new AnalysisCache<>(8);
        for (int i = 0; i < 1000; i++) {
            cache.putIfAbsent("q" + i, analysis("a"));
            cache.get("q" + (i / 2));
            assertThat(cache.size()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void capacityZeroStoresNothing() {
        AnalysisCache<Analysis> cache = new AnalysisCache<>(0);
        Analysis given = analysis("x");

        assertThat(cache.putIfAbsent("q", given)).isSameAs(given);
        assertThat(cache.get("q")).isNull();
    }
}
