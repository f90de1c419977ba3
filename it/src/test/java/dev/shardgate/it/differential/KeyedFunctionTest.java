package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A regression test in the differential shape (docs/differential-testing.md): t1_between reads t1 on
 * every shard in PostgreSQL, so a statement routed to one shard by its key cannot answer it from
 * that shard's rows (seed 51, case 25 answered [2000, 0] for PostgreSQL's [2000, 18]): it is refused
 * with 0A000, in both route behaviours and every protocol, while built-in functions still run there
 * and a routing hint still runs it on the shard it names.
 */
@RealPostgres(servers = 3)
class KeyedFunctionTest {
    private static final String KEYED = "SELECT id, t1_between(0, id) FROM t1 WHERE id = ";

    @Test
    void aKeyedStatementCallingAFunctionOverT1IsRefusedNotAnsweredFromOneShard(PostgresServers servers) throws Exception {
        List<Case> refused = List.of(
                Case.of(Step.read(Feature.FUNCTION, KEYED + "2000", Shape.UNORDERED)),
                Case.of(Step.read(Feature.FUNCTION, KEYED + "?", Shape.UNORDERED, 2345)),
                Case.of(Step.read(Feature.FUNCTION, "SELECT id FROM t1 WHERE id IN (5, 1500) AND t1_between(0, 3000) > 0",
                        Shape.UNORDERED)),
                Case.of(Step.read(Feature.FUNCTION, "SELECT t1_between(0, 5000)", Shape.UNORDERED)));
        Case builtIns = Case.of(Step.read(Feature.POINT_SELECT, "SELECT id, abs(i4), lower(txt) FROM t1 WHERE id = 2000",
                Shape.UNORDERED));
        for (DefaultRouteBehaviour behaviour : DefaultRouteBehaviour.values()) {
            try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(behaviour, Mode.Collation.C))) {
                for (Protocol protocol : Protocol.values()) {
                    DifferentialRun run = new DifferentialRun(cluster, 51, EnumSet.allOf(Feature.class), System.out);
                    Tally tally = null;
                    for (Case reproduced : refused) {
                        tally = run.replay(reproduced, protocol);
                    }
                    tally = run.replay(builtIns, protocol);
                    assertThat(tally.wrong()).as(tally.table()).isZero();
                    assertThat(tally.refused(Feature.FUNCTION)).as(tally.table()).isEqualTo(refused.size());
                    assertThat(tally.refused(Feature.POINT_SELECT)).as(tally.table()).isZero();
                }
                // a hint names the shard on purpose: the function runs there, over that shard's rows
                String hinted = "/*__spqr__execute_on: sh3*/ " + KEYED + "2500";
                assertThat(rows(cluster.router(Protocol.SIMPLE), hinted)).isEqualTo(rows(cluster.shard(2), KEYED + "2500"));
            }
        }
    }

    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getString(2));
            }
        }
        return rows;
    }
}
