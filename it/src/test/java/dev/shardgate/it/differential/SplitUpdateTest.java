package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An UPDATE of the distribution key (feature update_key, docs/correctness.md): where the new key lives
 * on the rows' shard it runs there; elsewhere the rows move to the new key's shard within one
 * transaction (SPQR's split update) and the client gets PostgreSQL's answer — its command tag, its
 * RETURNING rows, its unique violation. After each case the differential run compares every shard's
 * rows with the oracle's and checks that each row lies on a shard whose key ranges hold its key.
 * Ranges: [MIN,1000) and [3000,MAX] on sh1, [1000,2000) on sh2, [2000,3000) on sh3.
 */
@RealPostgres(servers = 3)
class SplitUpdateTest {
    private static final List<Case> MOVES = List.of(
            // sh1 → sh3, a constant (2999 may exist: then 23505 on both sides)
            Case.of(Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = 2999 WHERE id = 5", Shape.UNORDERED)),
            // sh2 → sh3, the key shifted, bound
            Case.of(Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = id + 1000 WHERE id = ?", Shape.UNORDERED, 1500)),
            // sh3 → sh1 by a parameter, with RETURNING
            Case.of(Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = ?, i4 = i4 + 1 WHERE id = ? RETURNING id, i4, txt",
                    Shape.UNORDERED, 100000, 2345)),
            // several rows of t2 (one per seq) move sh1 → sh2
            Case.of(Step.write(Feature.UPDATE_KEY, "UPDATE t2 SET id = 1234 WHERE id = 17", Shape.UNORDERED)),
            // the same shard: a plain UPDATE there
            Case.of(Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = 4242 WHERE id = 1", Shape.UNORDERED)),
            // a key no row has: UPDATE 0
            Case.of(Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = 1001 WHERE id = 777", Shape.UNORDERED)),
            // inside a transaction, read back, then rolled back
            new Case(Feature.UPDATE_KEY, List.of(
                    Step.control(Feature.UPDATE_KEY, "BEGIN", false),
                    Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = id - 1000 WHERE id = 2000", Shape.UNORDERED),
                    Step.read(Feature.UPDATE_KEY, "SELECT id, i4, txt FROM t1 WHERE id = 1000", Shape.UNORDERED),
                    Step.read(Feature.UPDATE_KEY, "SELECT id FROM t1 WHERE id = 2000", Shape.UNORDERED),
                    Step.control(Feature.UPDATE_KEY, "ROLLBACK", false))),
            // inside a transaction, committed
            new Case(Feature.UPDATE_KEY, List.of(
                    Step.control(Feature.UPDATE_KEY, "BEGIN", false),
                    Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = 3001 WHERE id = 1999", Shape.UNORDERED),
                    Step.write(Feature.UPDATE_KEY, "UPDATE t1 SET id = 1999 WHERE id = 3001 RETURNING id", Shape.UNORDERED),
                    Step.control(Feature.UPDATE_KEY, "COMMIT", false))));

    @Test
    void rowsMoveToTheirNewKeysShardWithPostgresqlsAnswer(PostgresServers servers) throws Exception {
        for (DefaultRouteBehaviour behaviour : DefaultRouteBehaviour.values()) {
            try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(behaviour, Mode.Collation.C))) {
                for (Protocol protocol : Protocol.values()) {
                    DifferentialRun run = new DifferentialRun(cluster, 101, EnumSet.allOf(Feature.class), System.out);
                    Tally tally = null;
                    for (Case moved : MOVES) {
                        tally = run.replay(moved, protocol);
                    }
                    assertThat(tally.wrong()).as(behaviour + " " + protocol + "\n" + tally.table()).isZero();
                    assertThat(tally.refused(Feature.UPDATE_KEY)).as(behaviour + " " + protocol + "\n" + tally.table()).isZero();
                }
            }
        }
    }

    @Test
    void aMovedRowLeavesItsOldShardAndLandsWholeOnTheNewOne(PostgresServers servers) throws Exception {
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(DefaultRouteBehaviour.BLOCK, Mode.Collation.C))) {
            for (Protocol protocol : Protocol.values()) {
                Connection router = cluster.router(protocol);
                try (Statement statement = router.createStatement()) {
                    statement.executeUpdate("DELETE FROM t1 WHERE id = 600");
                    statement.executeUpdate("DELETE FROM t1 WHERE id = 2600");
                    statement.executeUpdate("INSERT INTO t1 (id, i4, f8, txt, iv) VALUES (600, 6, '-0', 'six ✓', '1 day')");
                }
                try (PreparedStatement update = router.prepareStatement("UPDATE t1 SET id = ? WHERE id = ?")) {
                    update.setInt(1, 2600);
                    update.setInt(2, 600);
                    assertThat(update.executeUpdate()).as(protocol.name()).isEqualTo(1);
                }
                assertThat(rows(cluster.shard(0), "SELECT id FROM t1 WHERE id IN (600, 2600)")).as(protocol.name()).isEmpty();
                assertThat(rows(cluster.shard(2), "SELECT id, i4, f8, txt, iv FROM t1 WHERE id IN (600, 2600)"))
                        .as(protocol.name()).containsExactly("2600|6|-0|six ✓|1 day");
                try (Statement statement = router.createStatement()) {
                    assertThat(rows(router, "UPDATE t1 SET id = id - 2000 WHERE id = 2600 RETURNING id, txt"))
                            .as(protocol.name()).containsExactly("600|six ✓");
                }
                assertThat(rows(cluster.shard(2), "SELECT id FROM t1 WHERE id IN (600, 2600)")).as(protocol.name()).isEmpty();
                assertThat(rows(cluster.shard(0), "SELECT id, i4, txt FROM t1 WHERE id IN (600, 2600)"))
                        .as(protocol.name()).containsExactly("600|6|six ✓");
            }
        }
    }

    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new java.util.ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(result.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Test
    void allowSplitUpdateOffRefusesAMoveButNotAnUpdateWithinOneShard(PostgresServers servers) throws Exception {
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(DefaultRouteBehaviour.BLOCK, Mode.Collation.C))) {
            Connection router = cluster.router(Protocol.SIMPLE);
            try (Statement statement = router.createStatement()) {
                statement.execute("SET __spqr__allow_split_update TO off");
                assertThatThrownBy(() -> statement.executeUpdate("UPDATE t1 SET id = 2998 WHERE id = 5"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> {
                            assertThat(((SQLException) e).getSQLState()).isEqualTo("0A000");
                            assertThat(e.getMessage()).contains("from shard \"sh1\" to shard \"sh3\"", "__spqr__allow_split_update");
                        });
                statement.executeUpdate("UPDATE t1 SET id = 998 WHERE id = 5"); // [MIN,1000) stays on sh1
                statement.execute("RESET __spqr__allow_split_update");
            }
        }
    }

    @Test
    void whatCannotMoveExactlyIsRefusedNamingWhy(PostgresServers servers) throws Exception {
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(DefaultRouteBehaviour.ALLOW, Mode.Collation.C))) {
            Connection router = cluster.router(Protocol.SIMPLE);
            try (Statement statement = router.createStatement()) {
                // the new key depends on each row: the router cannot tell their shard
                assertRefused(statement, "UPDATE t1 SET id = i4 WHERE id = 5", "constant, a parameter");
                // rows on several shards
                assertRefused(statement, "UPDATE t1 SET id = 2998 WHERE id IN (5, 1500)", "keys of one shard");
                // the condition reads another relation, which differs from shard to shard
                assertRefused(statement, "UPDATE t1 SET id = 2998 WHERE id = 5 AND EXISTS (SELECT 1 FROM ref)",
                        "reads other relations");
                // a writable CTE assigning the key
                assertRefused(statement, "WITH u AS (UPDATE t1 SET id = 2998 WHERE id = 5 RETURNING id) SELECT * FROM u",
                        "only a plain UPDATE");
            }
        }
    }

    private static void assertRefused(Statement statement, String sql, String why) {
        assertThatThrownBy(() -> statement.execute(sql)).isInstanceOf(SQLException.class).satisfies(e -> {
            assertThat(((SQLException) e).getSQLState()).as(sql).isEqualTo("0A000");
            assertThat(e.getMessage()).as(sql).contains(why);
        });
    }
}
