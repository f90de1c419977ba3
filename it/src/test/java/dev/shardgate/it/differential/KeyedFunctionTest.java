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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A regression test in the differential shape (docs/differential-testing.md): t1_between reads t1 on
 * every shard in PostgreSQL, so a statement routed to one shard by its key cannot answer it from
 * that shard's rows (seed 51, case 25 answered [2000, 0] for PostgreSQL's [2000, 18]). Such a SELECT
 * is finished on one shard, t1_between copied to pg_temp over t1 pulled whole, and answered as
 * PostgreSQL answers: in both route behaviours and every protocol, inside a transaction that wrote a
 * row it has not committed, and through a function that calls t1_between. A function in another
 * language, or with a body the router cannot splice, is still refused (0A000 naming it), and a
 * routing hint still runs the statement on the shard it names.
 */
@RealPostgres(servers = 3)
class KeyedFunctionTest {
    private static final String KEYED = "SELECT id, t1_between(0, id) FROM t1 WHERE id = ";
    private static final String FUNCTIONS = """
            CREATE FUNCTION t1_between_twice(lo int, hi int) RETURNS bigint LANGUAGE sql STABLE STRICT
                AS $$ SELECT t1_between(lo, hi) * 2 $$;
            CREATE FUNCTION t1_count_plpgsql() RETURNS bigint LANGUAGE plpgsql STABLE
                AS $$ BEGIN RETURN (SELECT count(*) FROM t1); END $$;
            CREATE FUNCTION t1_count_atomic() RETURNS bigint LANGUAGE sql STABLE
                BEGIN ATOMIC SELECT count(*) FROM t1; END;
            """;

    @Test
    void aStatementCallingAFunctionOverT1IsAnsweredAsPostgresqlAnswersIt(PostgresServers servers) throws Exception {
        List<Case> answered = List.of(
                Case.of(Step.read(Feature.FUNCTION, KEYED + "2000", Shape.UNORDERED)),
                Case.of(Step.read(Feature.FUNCTION, KEYED + "?", Shape.UNORDERED, 2345)),
                Case.of(Step.read(Feature.FUNCTION, "SELECT id FROM t1 WHERE id IN (5, 1500) AND t1_between(0, 3000) > 0",
                        Shape.UNORDERED)),
                Case.of(Step.read(Feature.FUNCTION, "SELECT t1_between(0, 5000)", Shape.UNORDERED)),
                Case.of(Step.read(Feature.FUNCTION, "SELECT t1_between(?, ?)", Shape.UNORDERED, 999, 2001)),
                Case.of(Step.read(Feature.FUNCTION, "SELECT t1_between_twice(-10, 2500), t1_between_twice(NULL, 1)",
                        Shape.UNORDERED)),
                // uncommitted writes on two shards count, in the statement's own pull and in the function's
                // (no starting row has a key above 3500)
                new Case(Feature.FUNCTION, List.of(
                        Step.control(Feature.FUNCTION, "BEGIN", false),
                        Step.write(Feature.FUNCTION, "INSERT INTO t1 (id, i4) VALUES (3550, 1)", Shape.UNORDERED),
                        Step.write(Feature.FUNCTION, "DELETE FROM t1 WHERE id = 2000", Shape.UNORDERED),
                        Step.read(Feature.FUNCTION, "SELECT t1_between(0, 4000)", Shape.UNORDERED),
                        Step.read(Feature.FUNCTION, KEYED + "3550", Shape.UNORDERED),
                        Step.control(Feature.FUNCTION, "ROLLBACK", false))));
        Case builtIns = Case.of(Step.read(Feature.POINT_SELECT, "SELECT id, abs(i4), lower(txt) FROM t1 WHERE id = 2000",
                Shape.UNORDERED));
        for (DefaultRouteBehaviour behaviour : DefaultRouteBehaviour.values()) {
            try (DifferentialCluster cluster = DifferentialCluster.start(servers, new Mode(behaviour, Mode.Collation.C))) {
                for (int i = 0; i < Dataset.SHARDS; i++) {
                    execute(cluster.shard(i), FUNCTIONS);
                }
                execute(cluster.oracle(Protocol.SIMPLE), FUNCTIONS);
                for (Protocol protocol : Protocol.values()) {
                    DifferentialRun run = new DifferentialRun(cluster, 51, EnumSet.allOf(Feature.class), System.out);
                    Tally tally = null;
                    for (Case reproduced : answered) {
                        tally = run.replay(reproduced, protocol);
                    }
                    tally = run.replay(builtIns, protocol);
                    assertThat(tally.wrong()).as(tally.table()).isZero();
                    assertThat(tally.refused(Feature.FUNCTION)).as(tally.table()).isZero();
                    assertThat(tally.refused(Feature.POINT_SELECT)).as(tally.table()).isZero();

                    Connection router = cluster.router(protocol);
                    for (String sql : List.of(KEYED + "2000", "SELECT t1_between(0, 5000)",
                            "SELECT t1_between_twice(-10, 2500), t1_between_twice(NULL, 1)")) {
                        List<String> expected = rows(cluster.oracle(protocol), sql);
                        assertThat(rows(router, sql)).as(sql).isEqualTo(expected);
                    }
                    assertRefused(router, "SELECT t1_count_plpgsql()", "function public.t1_count_plpgsql may read distributed"
                            + " relations and would see one shard only: it is written in plpgsql");
                    assertRefused(router, KEYED + "1500 AND t1_count_atomic() > 0", "function public.t1_count_atomic may read"
                            + " distributed relations and would see one shard only: its body is SQL-standard");
                }
                Connection router = cluster.router(Protocol.SIMPLE);
                // a hint names the shard on purpose: the function runs there, over that shard's rows
                String hinted = "/*__spqr__execute_on: sh3*/ " + KEYED + "2500";
                assertThat(rows(router, hinted)).isEqualTo(rows(cluster.shard(2), KEYED + "2500"));
                assertThat(String.join("\n", rows(router, "EXPLAIN ROUTE " + KEYED + "2500")))
                        .contains("function public.t1_between reads distributed relations: finished on one shard")
                        .contains("finish on shard sh3 with pg_temp.t1_between reading the pulls: pulls t1 from sh1, sh2, sh3"
                                + " (columns it names; filter (\"id\" = (2500))), t1 from sh1, sh2, sh3 (all columns)");
            }
        }
    }

    private static void assertRefused(Connection connection, String sql, String message) {
        SQLException refused = catchThrowableOfType(SQLException.class, () -> rows(connection, sql));
        assertThat((Throwable) refused).as(sql).isNotNull();
        assertThat(refused.getSQLState()).as(sql).isEqualTo("0A000");
        assertThat(refused.getMessage()).as(sql).contains(message);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
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
}
