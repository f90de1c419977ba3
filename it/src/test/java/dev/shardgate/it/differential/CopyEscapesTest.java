package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A regression test in the differential shape (docs/differential-testing.md): COPY FROM STDIN rows with
 * escapes (tab, newline, backslash, the NULL marker, multibyte text) for keys on all three shards
 * reach the shards of their keys with the same values PostgreSQL stores.
 */
@RealPostgres(servers = 3)
class CopyEscapesTest {

    @Test
    void escapedRowsLandOnTheirKeysShardsWithPostgresValues(PostgresServers servers) throws Exception {
        String rows = "5\t60\t\\N\t1.5\ttab\\there\t-0\n"
                + "1500\t61\t7\t\\N\tline\\nbreak\t1e10\n"
                + "2500\t62\t-1\t2.00\tback\\\\slash 日本語\t\\N\n"
                + "3500\t63\t0\t0\t\\\\N is not null\tNaN\n";
        Step copy = Step.copy(Feature.COPY, "COPY t2 (" + Dataset.T2_COLUMNS + ") FROM STDIN", rows);
        Step read = Step.read(Feature.POINT_SELECT, "SELECT * FROM t2 WHERE id = 2500 AND seq = 62", Shape.UNORDERED);
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(DefaultRouteBehaviour.ALLOW, Mode.Collation.C))) {
            for (Protocol protocol : Protocol.values()) {
                Tally tally = new DifferentialRun(cluster, 1, EnumSet.allOf(Feature.class), System.out)
                        .replay(new Case(Feature.COPY, java.util.List.of(copy, read)), protocol);
                assertThat(tally.wrong()).as(tally.table()).isZero();
            }
        }
    }
}
