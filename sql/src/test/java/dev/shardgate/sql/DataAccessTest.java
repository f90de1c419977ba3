package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which statements the router vouches for as reads a standby may serve: anything in doubt is a write. */
class DataAccessTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT * FROM t WHERE id = 1                                  | READ
            SELECT count(*), now(), lower(name) FROM t                    | READ
            WITH a AS (SELECT * FROM t) SELECT * FROM a                   | READ
            VALUES (1), (2)                                               | READ
            TABLE t                                                       | READ
            EXPLAIN SELECT * FROM t                                       | READ
            SELECT * FROM t FOR UPDATE                                    | WRITE
            SELECT * FROM t FOR NO KEY UPDATE                             | WRITE
            SELECT * FROM t WHERE id = 1 FOR SHARE                        | WRITE
            SELECT * FROM t FOR KEY SHARE                                 | WRITE
            WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d         | WRITE
            SELECT nextval('s')                                           | WRITE
            SELECT txid_current()                                         | WRITE
            SELECT pg_notify('c', 'x')                                    | WRITE
            SELECT lo_create(0)                                           | WRITE
            SELECT my_function(1)                                         | WRITE
            SELECT pg_catalog.lower('A')                                  | READ
            SELECT myschema.lower('A')                                    | WRITE
            EXPLAIN ANALYZE DELETE FROM t                                 | WRITE
            INSERT INTO t VALUES (1)                                      | WRITE
            UPDATE t SET v = 1                                            | WRITE
            DELETE FROM t                                                 | WRITE
            MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE  | WRITE
            COPY t TO STDOUT                                              | WRITE
            CREATE TABLE x (i int)                                        | WRITE
            SELECT * INTO x FROM t                                        | WRITE
            EXECUTE p(1)                                                  | WRITE
            DO $$BEGIN END$$                                              | WRITE
            CALL p()                                                      | WRITE
            LISTEN c                                                      | WRITE
            NOTIFY c                                                      | WRITE
            LOCK TABLE t                                                  | WRITE
            BEGIN                                                         | NONE
            BEGIN READ ONLY                                               | NONE
            COMMIT                                                        | NONE
            SAVEPOINT s                                                   | NONE
            SET search_path = a                                           | NONE
            SHOW search_path                                              | NONE
            PREPARE p AS INSERT INTO t VALUES (1)                         | NONE
            """)
    void accessOfOneStatement(String sql, DataAccess expected) {
        assertThat(DataAccess.of(analyzer.analyze(sql))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            BEGIN; SELECT 1; COMMIT                   | READ
            SELECT 1; UPDATE t SET v = 1              | WRITE
            SET x = 1; SHOW x                         | NONE
            SELECT 1 +                                | WRITE
            """)
    void aQueryStringIsAsStrongAsItsStrongestStatementAndUnparsedTextIsAWrite(String sql, DataAccess expected) {
        assertThat(DataAccess.of(analyzer.analyze(sql))).isEqualTo(expected);
    }
}
