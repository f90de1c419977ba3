package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InsertRowTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    private static List<String> rows(String sql) {
        Analysis analysis = analyzer.analyze(sql);
        assertThat(analysis.parseError()).as(sql).isNull();
        return Rendered.rows(analysis);
    }

    @Test
    void oneRowPerValuesRow() {
        assertThat(rows("INSERT INTO t (id, v) VALUES (1, 'a'), ($1, $2), (3::bigint, 'c'::text)"))
                .containsExactly("t(id=1, v='a')", "t(id=$1, v=$2)", "t(id=3, v='c')");
    }

    @Test
    void rowsKeepTheTableRefAndCastTypes() {
        InsertRow row = analyzer.analyze("INSERT INTO s.t AS x (id) VALUES (5::int8)").statements().getFirst().insertRows().getFirst();

        assertThat(row.table()).isEqualTo(new TableRef("s", "t", "x"));
        assertThat(row.values()).containsEntry("id", new Value.Literal("5", LiteralKind.INTEGER, "int8"));
    }

    @Test
    void expressionsDefaultsAndIndirectionAreLeftOut() {
        assertThat(rows("INSERT INTO t (id, a, b, c, d) VALUES (1, now(), DEFAULT, $1 + 1, (SELECT 1))")).containsExactly("t(id=1)");
        assertThat(rows("INSERT INTO t (id, arr[1], comp.f) VALUES (1, 2, 3)")).containsExactly("t(id=1)");
        assertThat(rows("INSERT INTO t (a) VALUES (now())")).containsExactly("t()");
    }

    @Test
    void negativeValuesKeepTheirSign() {
        assertThat(rows("INSERT INTO t (id, v) VALUES (-1, -2.5)")).containsExactly("t(id=-1, v=-2.5)");
    }

    @Test
    void noColumnListMeansNoNamedRows() {
        // the values are kept by position until the router names them (PositionalInsertTest)
        assertThat(rows("INSERT INTO t VALUES (1, 2)")).isEmpty();
        assertThat(rows("INSERT INTO t DEFAULT VALUES")).isEmpty();
        assertThat(rows("INSERT INTO t SELECT 1")).isEmpty();
    }

    @Test
    void insertSelectOfConstantsDescribesEveryRowItInserts() {
        assertThat(rows("INSERT INTO t (id, v) SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM t WHERE id = $1)"))
                .containsExactly("t(id=$1, v=$2)");
        assertThat(rows("INSERT INTO t (id, v) SELECT 7, u.v FROM u")).containsExactly("t(id=7)");
        assertThat(rows("INSERT INTO t (id, v) SELECT u.id, u.v FROM u WHERE u.id = 5")).isEmpty();
        assertThat(rows("INSERT INTO t (id) SELECT * FROM u")).isEmpty();
        assertThat(rows("INSERT INTO t (id) SELECT 1 UNION SELECT 2")).isEmpty();
    }

    @Test
    void insertSelectFromADeleteThatPinsTheColumnTakesItsValue() {
        // DELETE returns rows its WHERE matched: their id is 5
        assertThat(rows("WITH d AS (DELETE FROM u WHERE id = 5 RETURNING id, v) INSERT INTO t (id, seq, v)"
                + " SELECT id, 99, v FROM d ON CONFLICT DO NOTHING")).containsExactly("t(id=5, seq=99)");
        assertThat(rows("WITH d AS (DELETE FROM u x WHERE x.v > 1 AND $1 = x.id RETURNING x.id AS k) INSERT INTO t (id)"
                + " SELECT dd.k FROM d dd")).containsExactly("t(id=$1)");
        // not pinned: another column, OR, USING, an expression, an UPDATE, a join, column aliases
        assertThat(rows("WITH d AS (DELETE FROM u WHERE id = 5 RETURNING v) INSERT INTO t (id) SELECT v FROM d")).isEmpty();
        assertThat(rows("WITH d AS (DELETE FROM u WHERE id = 5 OR id = 6 RETURNING id) INSERT INTO t (id) SELECT id FROM d"))
                .isEmpty();
        assertThat(rows("WITH d AS (DELETE FROM u USING w WHERE id = 5 RETURNING id) INSERT INTO t (id) SELECT id FROM d"))
                .isEmpty();
        assertThat(rows("WITH d AS (DELETE FROM u WHERE id = 5 RETURNING id + 1 AS id) INSERT INTO t (id) SELECT id FROM d"))
                .isEmpty();
        assertThat(rows("WITH d AS (UPDATE u SET id = 6 WHERE id = 5 RETURNING id) INSERT INTO t (id) SELECT id FROM d"))
                .isEmpty();
        assertThat(rows("WITH d AS (DELETE FROM u WHERE id = 5 RETURNING id) INSERT INTO t (id) SELECT w.id FROM d, w"))
                .isEmpty();
        assertThat(rows("WITH d (x) AS (DELETE FROM u WHERE id = 5 RETURNING id) INSERT INTO t (id) SELECT x FROM d"))
                .isEmpty();
        assertThat(rows("WITH d AS (DELETE FROM u WHERE id = 5.5 RETURNING id) INSERT INTO t (id) SELECT id FROM d")).isEmpty();
    }

    @Test
    void onConflictAndReturningDoNotChangeTheRows() {
        assertThat(rows("INSERT INTO t (id, n) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = t.n + 1 WHERE t.id = $1 RETURNING n"))
                .containsExactly("t(id=$1, n=1)");
    }

    @Test
    void insertsInsideOtherStatementsReportTheirRows() {
        assertThat(rows("EXPLAIN INSERT INTO t (id) VALUES (1)")).containsExactly("t(id=1)");
        assertThat(rows("PREPARE p AS INSERT INTO t (id) VALUES ($1)")).containsExactly("t(id=$1)");
        assertThat(rows("WITH i AS (INSERT INTO t (id) VALUES (9) RETURNING id) SELECT * FROM i")).containsExactly("t(id=9)");
    }
}
