package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Statement kinds, text slices and table lists. */
class StatementTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    private static Statement single(String sql) {
        Analysis analysis = analyzer.analyze(sql);
        assertThat(analysis.parseError()).as(sql).isNull();
        assertThat(analysis.statements()).as(sql).hasSize(1);
        return analysis.statements().getFirst();
    }

    private static StatementKind kind(String sql) {
        return single(sql).kind();
    }

    @Test
    void multiStatementStringGivesEachStatementWithItsOwnText() {
        Analysis analysis = analyzer.analyze("BEGIN; UPDATE t SET v = 1 WHERE id = 2;\n  COMMIT;");

        assertThat(analysis.statements()).extracting(Statement::kind)
                .containsExactly(StatementKind.BEGIN, StatementKind.UPDATE, StatementKind.COMMIT);
        assertThat(analysis.statements()).extracting(Statement::text)
                .containsExactly("BEGIN", "UPDATE t SET v = 1 WHERE id = 2", "COMMIT");
    }

    @Test
    void textSlicesFollowByteOffsetsPastMultibyteCharacters() {
        Analysis analysis = analyzer.analyze("SELECT 'żółć 😀' AS x; SELECT * FROM t WHERE name = 'ü'; SELECT 3");

        assertThat(analysis.statements()).extracting(Statement::text)
                .containsExactly("SELECT 'żółć 😀' AS x", "SELECT * FROM t WHERE name = 'ü'", "SELECT 3");
        assertThat(Rendered.keys(analysis)).containsExactly("t.name='ü'");
    }

    @Test
    void commentsBeforeAStatementStayInItsText() {
        Analysis analysis = analyzer.analyze("SELECT 1; /*__spqr__sharding_key: 7*/ SELECT 2");

        assertThat(analysis.statements().get(1).text()).isEqualTo("/*__spqr__sharding_key: 7*/ SELECT 2");
    }

    @Test
    void emptyAndCommentOnlyTextHaveNoStatements() {
        for (String sql : List.of("", "   ", ";", ";;", "-- nothing", "/* nothing */")) {
            Analysis analysis = analyzer.analyze(sql);
            assertThat(analysis.parseError()).as(sql).isNull();
            assertThat(analysis.statements()).as(sql).isEmpty();
        }
    }

    @Test
    void parseErrorGivesPostgresMessageAndNoStatements() {
        Analysis analysis = analyzer.analyze("SELECT 1; SELEC 2");

        assertThat(analysis.parseError()).isEqualTo("syntax error at or near \"SELEC\"");
        assertThat(analysis.isParsed()).isFalse();
        assertThat(analysis.statements()).isEmpty();
    }

    @Test
    void transactionControlKinds() {
        assertThat(kind("BEGIN")).isEqualTo(StatementKind.BEGIN);
        assertThat(kind("START TRANSACTION ISOLATION LEVEL SERIALIZABLE")).isEqualTo(StatementKind.BEGIN);
        assertThat(kind("COMMIT")).isEqualTo(StatementKind.COMMIT);
        assertThat(kind("END")).isEqualTo(StatementKind.COMMIT);
        assertThat(kind("ROLLBACK")).isEqualTo(StatementKind.ROLLBACK);
        assertThat(kind("SAVEPOINT a")).isEqualTo(StatementKind.SAVEPOINT);
        assertThat(kind("RELEASE SAVEPOINT a")).isEqualTo(StatementKind.RELEASE);
        assertThat(kind("ROLLBACK TO SAVEPOINT a")).isEqualTo(StatementKind.ROLLBACK_TO);
        assertThat(kind("PREPARE TRANSACTION 'g'")).isEqualTo(StatementKind.PREPARE_TRANSACTION);
        assertThat(kind("COMMIT PREPARED 'g'")).isEqualTo(StatementKind.COMMIT_PREPARED);
        assertThat(kind("ROLLBACK PREPARED 'g'")).isEqualTo(StatementKind.ROLLBACK_PREPARED);
    }

    @Test
    void utilityKinds() {
        assertThat(kind("SET x = 1")).isEqualTo(StatementKind.SET);
        assertThat(kind("RESET x")).isEqualTo(StatementKind.RESET);
        assertThat(kind("SHOW x")).isEqualTo(StatementKind.SHOW);
        assertThat(kind("DISCARD ALL")).isEqualTo(StatementKind.DISCARD);
        assertThat(kind("COPY t FROM STDIN")).isEqualTo(StatementKind.COPY);
        assertThat(kind("EXPLAIN SELECT 1")).isEqualTo(StatementKind.EXPLAIN);
        assertThat(kind("PREPARE p AS SELECT 1")).isEqualTo(StatementKind.PREPARE);
        assertThat(kind("EXECUTE p")).isEqualTo(StatementKind.EXECUTE);
        assertThat(kind("DEALLOCATE p")).isEqualTo(StatementKind.DEALLOCATE);
        assertThat(kind("LISTEN c")).isEqualTo(StatementKind.LISTEN);
        assertThat(kind("UNLISTEN c")).isEqualTo(StatementKind.LISTEN);
        assertThat(kind("NOTIFY c")).isEqualTo(StatementKind.NOTIFY);
        assertThat(kind("DO $$ BEGIN END $$")).isEqualTo(StatementKind.DO);
        assertThat(kind("CALL p()")).isEqualTo(StatementKind.CALL);
        assertThat(kind("VACUUM")).isEqualTo(StatementKind.OTHER);
    }

    @Test
    void dataStatementKinds() {
        assertThat(kind("SELECT 1")).isEqualTo(StatementKind.SELECT);
        assertThat(kind("VALUES (1)")).isEqualTo(StatementKind.SELECT);
        assertThat(kind("WITH x AS (SELECT 1) SELECT * FROM x")).isEqualTo(StatementKind.SELECT);
        assertThat(kind("INSERT INTO t VALUES (1)")).isEqualTo(StatementKind.INSERT);
        assertThat(kind("WITH x AS (SELECT 1) UPDATE t SET v = 1")).isEqualTo(StatementKind.UPDATE);
        assertThat(kind("DELETE FROM t")).isEqualTo(StatementKind.DELETE);
    }

    @Test
    void ddlKindsAndTheirTables() {
        assertThat(single("CREATE TABLE s.t (id int)").tables()).containsExactly(new TableRef("s", "t", null));
        assertThat(single("ALTER TABLE t ADD COLUMN v int").tables()).containsExactly(new TableRef(null, "t", null));
        assertThat(single("DROP TABLE a, s.b").tables())
                .containsExactly(new TableRef(null, "a", null), new TableRef("s", "b", null));
        assertThat(single("CREATE INDEX ON t (v)").tables()).containsExactly(new TableRef(null, "t", null));
        assertThat(single("TRUNCATE a, b").tables()).extracting(TableRef::name).containsExactly("a", "b");
        assertThat(single("DROP INDEX i").tables()).isEmpty();
        for (String ddl : List.of("CREATE TABLE t (id int)", "DROP TABLE t", "ALTER TABLE t RENAME TO u", "CREATE INDEX ON t (v)",
                "TRUNCATE t", "CREATE VIEW v AS SELECT 1", "CREATE SCHEMA s", "GRANT SELECT ON t TO r", "COMMENT ON TABLE t IS 'x'",
                "CREATE TABLE c AS SELECT 1", "SELECT 1 INTO c", "CREATE SEQUENCE q", "ALTER SEQUENCE q RESTART")) {
            assertThat(kind(ddl)).as(ddl).isEqualTo(StatementKind.DDL);
        }
    }

    @Test
    void tablesOfQueriesIncludeEveryPlaceATableCanAppear() {
        Statement select = single("WITH c AS (SELECT * FROM cte_src) SELECT * FROM s.a x JOIN b ON b.id = x.id "
                + "LEFT JOIN (SELECT * FROM sub) q ON true, c WHERE EXISTS (SELECT 1 FROM ex) AND x.v IN (SELECT v FROM inn) "
                + "ORDER BY (SELECT max(z) FROM ord)");
        assertThat(select.tables()).extracting(TableRef::qualifiedName)
                .containsExactly("cte_src", "s.a", "b", "sub", "ex", "inn", "ord");
        assertThat(select.tables().get(1)).isEqualTo(new TableRef("s", "a", "x"));

        Statement insert = single("INSERT INTO t AS x (id) SELECT id FROM src ON CONFLICT (id) DO UPDATE SET v = "
                + "(SELECT v FROM conf) RETURNING (SELECT 1 FROM ret)");
        assertThat(insert.tables()).extracting(TableRef::name).containsExactly("t", "src", "conf", "ret");

        Statement update = single("UPDATE t SET v = u.v FROM u JOIN w ON w.id = u.id WHERE t.id = u.id RETURNING *");
        assertThat(update.tables()).extracting(TableRef::name).containsExactly("t", "u", "w");

        Statement delete = single("DELETE FROM t USING u WHERE t.id = u.id");
        assertThat(delete.tables()).extracting(TableRef::name).containsExactly("t", "u");
    }

    @Test
    void copyNamesItsTableOrAnalysesItsQuery() {
        assertThat(single("COPY s.t (a, b) FROM STDIN").tables()).containsExactly(new TableRef("s", "t", null));
        Statement query = single("COPY (SELECT * FROM t WHERE id = 1) TO STDOUT");
        assertThat(query.kind()).isEqualTo(StatementKind.COPY);
        assertThat(query.filters()).extracting(Rendered::key).containsExactly("t.id=1");
    }

    @Test
    void otherStatementsListTheTablesTheyName() {
        assertThat(single("LOCK TABLE a, b").tables()).extracting(TableRef::name).containsExactly("a", "b");
        assertThat(single("VACUUM ANALYZE t").tables()).extracting(TableRef::name).containsExactly("t");
        Statement merge = single("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE");
        assertThat(merge.kind()).isEqualTo(StatementKind.OTHER);
        assertThat(merge.tables()).extracting(TableRef::name).containsExactly("t", "s");
        assertThat(merge.filters()).isEmpty();
    }

    private static List<String> writes(String sql) {
        return single(sql).writes().stream().map(w -> w.table().qualifiedName() + " " + w.kind()
                + " set" + w.assignedColumns() + (w.unknownRows() == null ? "" : " unknown " + w.unknownRows())).toList();
    }

    @Test
    void writesAreFoundAtEveryDepthWithTheColumnsTheyAssign() {
        assertThat(writes("UPDATE t SET (a, id) = (SELECT 1, 2) WHERE id = 5")).containsExactly("t UPDATE set[a, id]");
        assertThat(writes("INSERT INTO t (id) VALUES (5) ON CONFLICT (id) DO UPDATE SET id = 7, v = 1"))
                .containsExactly("t INSERT set[id, v]");
        assertThat(writes("INSERT INTO t (id) VALUES (5) ON CONFLICT DO NOTHING")).containsExactly("t INSERT set[]");
        assertThat(writes("WITH d AS (DELETE FROM s.r RETURNING *), i AS (INSERT INTO t SELECT * FROM d) SELECT 1"))
                .containsExactly("s.r DELETE set[]", "t INSERT set[] unknown INSERT without a column list");
        assertThat(writes("INSERT INTO t (id, v) SELECT id, v FROM u")).containsExactly("t INSERT set[] unknown INSERT … SELECT");
        assertThat(writes("INSERT INTO t (id, v) SELECT 5, v FROM u")).containsExactly("t INSERT set[]");
        assertThat(writes("INSERT INTO t DEFAULT VALUES")).containsExactly("t INSERT set[] unknown INSERT … DEFAULT VALUES");
        assertThat(writes("MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET v = 1"
                + " WHEN NOT MATCHED THEN INSERT (id) VALUES (u.id)")).containsExactly("t MERGE set[v] unknown MERGE … INSERT");
        assertThat(writes("EXPLAIN ANALYZE DELETE FROM t")).containsExactly("t DELETE set[]");
        assertThat(writes("EXPLAIN DELETE FROM t")).isEmpty();
        assertThat(writes("COPY (UPDATE t SET v = 1 RETURNING id) TO STDOUT")).containsExactly("t UPDATE set[v]");
        assertThat(writes("SELECT * FROM t")).isEmpty();
    }

    @Test
    void ddlOnObjectsEveryShardNeedsIsMarked() {
        for (String sql : List.of("CREATE SCHEMA s", "DROP SCHEMA s", "CREATE TYPE e AS ENUM ('a')", "ALTER DOMAIN d DROP NOT NULL",
                "CREATE EXTENSION hstore", "DROP FUNCTION f(int)", "CREATE SEQUENCE q", "ALTER SCHEMA s OWNER TO u",
                "COMMENT ON TYPE e IS 'x'", "CREATE AGGREGATE a (int) (SFUNC = int4pl, STYPE = int)")) {
            assertThat(single(sql).definesSharedObject()).as(sql).isTrue();
        }
        for (String sql : List.of("CREATE TABLE t (id int)", "DROP TABLE t", "CREATE INDEX ON t (id)", "COMMENT ON TABLE t IS 'x'",
                "CREATE VIEW v AS SELECT 1", "GRANT SELECT ON t TO u")) {
            assertThat(single(sql).definesSharedObject()).as(sql).isFalse();
        }
    }
}
