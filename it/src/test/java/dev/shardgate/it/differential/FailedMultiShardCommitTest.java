package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A regression test in the differential shape (docs/differential-testing.md), after seed 7, case 20:
 * a transaction writes on all three shards, makes a savepoint, then fails (23505); its COMMIT is
 * answered as PostgreSQL answers it (no error, everything rolled back) over every protocol — the
 * extended ones used to get 25P02 from the router.
 */
@RealPostgres(servers = 3)
class FailedMultiShardCommitTest {

    private static Step insert(int id, int seq) {
        return Step.write(Feature.MULTI_SHARD_TRANSACTION, "INSERT INTO t2 (" + Dataset.T2_COLUMNS + ") VALUES ("
                + id + ", " + seq + ", 1, 2.5, 'x', 1.5)", Shape.UNORDERED);
    }

    @Test
    void commitOfAFailedTransactionOnThreeShardsRollsBackWithoutError(PostgresServers servers) throws Exception {
        Feature feature = Feature.MULTI_SHARD_TRANSACTION;
        Case failed = new Case(feature, List.of(
                Step.control(feature, "BEGIN", false),
                insert(5, 901),
                insert(1500, 901),
                insert(2500, 901),
                Step.control(feature, "SAVEPOINT s1", false),
                insert(1500, 901), // 23505 on both sides
                Step.control(feature, "COMMIT", false)));
        Case failedWithoutSavepoint = new Case(feature, List.of(
                Step.control(feature, "BEGIN", false),
                insert(2500, 902),
                insert(5, 902),
                insert(5, 902),
                Step.control(feature, "COMMIT", false)));
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(DefaultRouteBehaviour.ALLOW, Mode.Collation.C))) {
            for (Protocol protocol : Protocol.values()) {
                DifferentialRun run = new DifferentialRun(cluster, 7, EnumSet.allOf(Feature.class), System.out);
                run.replay(failed, protocol);
                Tally tally = run.replay(failedWithoutSavepoint, protocol);
                assertThat(tally.wrong()).as(protocol + "\n" + tally.table()).isZero();
                assertThat(tally.refused(feature)).as(tally.table()).isZero();
            }
        }
    }
}
