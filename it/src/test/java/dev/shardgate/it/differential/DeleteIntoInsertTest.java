package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A regression test in the differential shape (docs/differential-testing.md) for the generator's
 * writable WITH query {@code WITH d AS (DELETE FROM t1 WHERE id = K RETURNING id, i4) INSERT INTO t2 …
 * SELECT id, … FROM d}: the rows DELETE returns have id K, so the new rows of t2 belong to K's shard,
 * where the DELETE runs too. Once refused ("INSERT … SELECT into distributed relation"), it is now
 * answered as PostgreSQL answers, in both protocols and route behaviours, and the rows land on K's shard.
 */
@RealPostgres(servers = 3)
class DeleteIntoInsertTest {
    private static final String MOVE = "WITH d AS (DELETE FROM t1 WHERE id = %s RETURNING id, i4) "
            + "INSERT INTO t2 (id, seq, i4) SELECT id, 99, i4 FROM d ON CONFLICT DO NOTHING";

    @Test
    void rowsADeletePinsToOneKeyAreInsertedOnThatKeysShard(PostgresServers servers) throws Exception {
        List<Case> cases = List.of(
                Case.of(Step.write(Feature.WRITABLE_CTE, MOVE.formatted("2000"), Shape.UNORDERED)),
                Case.of(Step.write(Feature.WRITABLE_CTE, MOVE.formatted("?"), Shape.UNORDERED, 1500)),
                Case.of(Step.write(Feature.WRITABLE_CTE, MOVE.formatted("5"), Shape.UNORDERED)),
                Case.of(Step.write(Feature.WRITABLE_CTE, MOVE.formatted("-7"), Shape.UNORDERED)));
        for (DefaultRouteBehaviour behaviour : DefaultRouteBehaviour.values()) {
            try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(behaviour, Mode.Collation.C))) {
                for (Protocol protocol : Protocol.values()) {
                    DifferentialRun run = new DifferentialRun(cluster, 51, EnumSet.allOf(Feature.class), System.out);
                    Tally tally = null;
                    for (Case reproduced : cases) {
                        tally = run.replay(reproduced, protocol);
                        // key 2000 lives on sh3, 1500 on sh2, 5 and -7 on sh1; the oracle holds every row
                        Step step = reproduced.steps().getFirst();
                        int key = step.parameters().isEmpty() ? Integer.parseInt(step.sql().replaceAll(".*WHERE id = (-?\\d+).*", "$1"))
                                : (Integer) step.parameters().getFirst();
                        int shard = key >= 2000 && key < 3000 ? 2 : key >= 1000 && key < 2000 ? 1 : 0;
                        String moved = "SELECT count(*) FROM t2 WHERE id = " + key + " AND seq = 99";
                        assertThat(count(cluster.shard(shard), moved)).as(step.sql())
                                .isEqualTo(count(cluster.oracle(Protocol.SIMPLE), moved));
                    }
                    assertThat(tally.wrong()).as(tally.table()).isZero();
                    assertThat(tally.refused(Feature.WRITABLE_CTE)).as(tally.table()).isZero();
                }
            }
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
