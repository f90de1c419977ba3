package dev.shardgate.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.exec.StatsInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What one session's statements and transactions add to the counters SHOW stats and /metrics read. */
class SessionMetricsTest {
    private final RouterMetrics metrics = new RouterMetrics();

    @Test
    void aTransactionTakesTheRouteOfItsWidestStatementAndCountsOnceAtIdle() {
        SessionMetrics session = metrics.session("db", "alice");
        session.messageIn(10); // BEGIN, answered by the router
        session.answered(RouteKind.LOCAL, (byte) 'T');
        session.messageIn(30); // a multi-shard SELECT
        session.sent(100);
        session.answered(RouteKind.MULTI_SHARD, (byte) 'T');
        session.messageIn(8); // COMMIT, answered by the router at the end
        session.answered(RouteKind.LOCAL, (byte) 'I');

        List<StatsInfo> rows = StatsTable.rows(metrics);
        StatsInfo multi = row(rows, "multi_shard");
        StatsInfo local = row(rows, "local");
        assertThat(multi.transactions()).isEqualTo(1);
        assertThat(local.transactions()).isZero();
        assertThat(multi.statements() + local.statements()).isEqualTo(3);
        assertThat(local.statements()).isEqualTo(2);
        assertThat(multi.receivedBytes() + local.receivedBytes()).as("with 5 header bytes each").isEqualTo(48 + 15);
        assertThat(multi.sentBytes()).isEqualTo(105);
    }

    /** A session moving between shards' pools, more of them than it remembers, counts each transaction on its own shard. */
    @Test
    void transactionsOnSeveralShardsCountOnEach() {
        SessionMetrics session = metrics.session("db", "alice");
        List<dev.shardgate.router.pool.BackendPool> pools = new java.util.ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            pools.add(pool("sh" + i));
        }
        int[] order = {0, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 1, 0};
        for (int index : order) {
            session.messageIn(20);
            session.ready(pools.get(index), (byte) 'I');
        }
        List<StatsInfo> rows = StatsTable.rows(metrics);
        for (int i = 0; i < 10; i++) {
            int shard = i;
            long expected = java.util.Arrays.stream(order).filter(index -> index == shard).count();
            StatsInfo row = rows.stream().filter(r -> r.shard().equals("sh" + (shard + 1))).findFirst().orElseThrow();
            assertThat(row.transactions()).as("transactions on sh" + (shard + 1)).isEqualTo(expected);
            assertThat(row.statements()).isEqualTo(expected);
        }
    }

    private static dev.shardgate.router.pool.BackendPool pool(String shard) {
        return new dev.shardgate.router.pool.BackendPool(new dev.shardgate.router.pool.PoolKey(shard, "db", "alice"),
                List.of(dev.shardgate.router.backend.BackendAddress.parse(shard, "localhost:5432")),
                new dev.shardgate.router.config.BackendRule("db", "alice", 10, false, true,
                        dev.shardgate.router.config.AuthRule.ok(), false), java.time.Duration.ofSeconds(1), null);
    }

    @Test
    void routerErrorsCountByClassAndSource() {
        SessionMetrics session = metrics.session("db", "alice");
        session.error("22012", true);
        session.error("42P01", false);
        session.error("42703", false);
        String exposition = metrics.transactions.collect().toString(); // the family exists even when empty
        assertThat(exposition).isNotNull();
        var errors = metrics.registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("shardgate_errors")).findFirst().orElseThrow();
        assertThat(errors.getDataPoints()).hasSize(2);
    }

    @Test
    void quantilesInterpolateInsideTheBucketThatHoldsThem() {
        SessionMetrics session = metrics.session("db", "bob");
        var counters = metrics.counters("db", "bob", "sh1", RouteKind.SINGLE_SHARD);
        for (int i = 0; i < 90; i++) {
            counters.transactionSeconds().observe(0.0007); // (0.5 ms, 1 ms]
        }
        for (int i = 0; i < 10; i++) {
            counters.transactionSeconds().observe(0.02); // (10 ms, 25 ms]
        }
        counters.statements().inc();
        assertThat(session).isNotNull();
        var point = metrics.transactionSeconds.collect().getDataPoints().stream()
                .filter(p -> "sh1".equals(p.getLabels().get("shard"))).findFirst().orElseThrow();
        assertThat(StatsTable.quantile(point, 0.5)).isBetween(0.0005, 0.001);
        assertThat(StatsTable.quantile(point, 0.95)).isBetween(0.01, 0.025);
        assertThat(StatsTable.quantile(point, 0.99)).isBetween(StatsTable.quantile(point, 0.95), 0.025);
    }

    private static StatsInfo row(List<StatsInfo> rows, String route) {
        return rows.stream().filter(r -> r.route().equals(route)).findFirst().orElseThrow();
    }
}
