package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under BLOCK (and ALLOW), a SELECT that pins one top-level relation to keys of one shard and reads
 * the others only joined to it on the distribution key — an outer join, EXISTS, IN, a correlated
 * scalar subquery, a CTE or derived table grouped by the key — runs on that shard: every row it
 * combines lives there (docs/correctness.md). Statements whose rows do not all follow the pinned
 * relation stay refused under BLOCK. Ranges: [MIN,1000) and [3000,MAX] on sh1, [1000,2000) on sh2,
 * [2000,3000) on sh3.
 */
@RealPostgres(servers = 3)
class CoLocatedKeyTest {
    private static final List<Step> ROUTED = List.of(
            Step.read(Feature.JOIN_ON_KEY, "SELECT t1.id, t1.i4, t2.seq, t2.num FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t1.id = ?",
                    Shape.UNORDERED, 1500),
            Step.read(Feature.SUBQUERY, "SELECT id FROM t1 WHERE id = 17 AND EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id)",
                    Shape.UNORDERED),
            Step.read(Feature.SUBQUERY, "SELECT id, (SELECT count(*) FROM t2 WHERE t2.id = t1.id) FROM t1 WHERE id IN (5, 3001)",
                    Shape.UNORDERED),
            Step.read(Feature.CO_LOCATED, "SELECT t1.id, count(t2.seq) FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE true"
                    + " AND t1.id IN (2000, 2345) GROUP BY t1.id HAVING count(t2.seq) <> 1", Shape.UNORDERED),
            Step.read(Feature.CO_LOCATED, "SELECT id FROM t1 WHERE NOT EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id) AND t1.id IN (?, ?)",
                    Shape.UNORDERED, 1000, 1999),
            Step.read(Feature.CO_LOCATED, "SELECT id, i4 FROM t1 WHERE id IN (SELECT id FROM t2 WHERE i4 > 0) AND t1.id IN (0, 500)",
                    Shape.UNORDERED),
            Step.read(Feature.CO_LOCATED, "WITH s AS (SELECT id, count(*) AS n FROM t2 GROUP BY id) SELECT t1.id, s.n FROM t1"
                    + " JOIN s ON s.id = t1.id WHERE true AND t1.id IN (1001, 1234)", Shape.UNORDERED),
            Step.read(Feature.CO_LOCATED, "SELECT count(*), sum(t2.i4) FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t1.id IN (2001, 2999)",
                    Shape.UNORDERED),
            // pinned on the null-extended side: the WHERE drops the rows extended on it
            Step.read(Feature.JOIN_ON_KEY, "SELECT t1.id, t1.i4, t2.seq FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE t2.id = 2345",
                    Shape.UNORDERED),
            Step.read(Feature.JOIN_ON_KEY, "SELECT t1.id, t2.seq FROM t1 FULL JOIN t2 ON t1.id = t2.id WHERE t2.id IN (17, 5)",
                    Shape.UNORDERED),
            // a key of no row
            Step.read(Feature.CO_LOCATED, "SELECT t1.id, (SELECT max(seq) FROM t2 WHERE t2.id = t1.id) FROM t1 WHERE t1.id = 777",
                    Shape.UNORDERED));

    private static final List<Step> STILL_REFUSED = List.of(
            // the pinned relation only filters: t2's rows come from every shard
            Step.read(Feature.SUBQUERY, "SELECT id, seq FROM t2 WHERE NOT EXISTS (SELECT 1 FROM t1 WHERE t1.id = 5 AND t1.id = t2.id)",
                    Shape.UNORDERED),
            // keys on two shards
            Step.read(Feature.CO_LOCATED, "SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id) AND t1.id IN (5, 1500)",
                    Shape.UNORDERED),
            // the preserved side is not pinned
            Step.read(Feature.JOIN_ON_KEY, "SELECT t1.id, t2.seq FROM t2 LEFT JOIN t1 ON t1.id = t2.id AND t1.id = 5", Shape.UNORDERED));

    @Test
    void aSelectCoLocatedWithAPinnedRelationRunsOnItsShard(PostgresServers servers) throws Exception {
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(DefaultRouteBehaviour.BLOCK, Mode.Collation.C))) {
            for (Protocol protocol : Protocol.values()) {
                DifferentialRun run = new DifferentialRun(cluster, 101, EnumSet.allOf(Feature.class), System.out);
                Tally tally = null;
                for (Step step : ROUTED) {
                    tally = run.replay(Case.of(step), protocol);
                }
                assertThat(tally.wrong()).as(protocol + "\n" + tally.table()).isZero();
                for (Feature feature : List.of(Feature.JOIN_ON_KEY, Feature.SUBQUERY, Feature.CO_LOCATED)) {
                    assertThat(tally.refused(feature)).as(protocol + " " + feature + "\n" + tally.table()).isZero();
                }
                DifferentialRun refusals = new DifferentialRun(cluster, 101, EnumSet.allOf(Feature.class), System.out);
                for (Step step : STILL_REFUSED) {
                    tally = refusals.replay(Case.of(step), protocol);
                }
                assertThat(tally.wrong()).as(protocol + "\n" + tally.table()).isZero();
                assertThat(tally.refused(Feature.SUBQUERY) + tally.refused(Feature.CO_LOCATED) + tally.refused(Feature.JOIN_ON_KEY))
                        .as(protocol + "\n" + tally.table()).isEqualTo(STILL_REFUSED.size());
            }
        }
    }
}
