package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Values the router computes when it merges shards' answers: groups and DISTINCT by each type's own
 * equality, aggregates in PostgreSQL's result types and arithmetic (overflow included). Values that
 * are equal but spelled differently (2.0 and 2.00, -0 and 0, 1 day and 24:00:00) lie on different
 * shards, so only a merge by the type's equality gives one server's answer.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MergedValuesTest {
    /** {@code orders} is the relation ScatterCluster distributes by id; here it holds values of many types. */
    private static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, g int, f float8, r real, n numeric, iv interval, bp bpchar, j jsonb,
                               i2 smallint, i4 int, i8 bigint, amount numeric(12,3), d float8, ri real, m money,
                               huge float8, hugeinf float8, hugereal real, longiv interval);
            """;
    private static final String COLUMNS = "(id, g, f, r, n, iv, bp, j, i2, i4, i8, amount, d, ri, m, huge, hugeinf, hugereal, longiv)";
    /** Ids below 1000 are on the first shard; the reference gets them in this order (seq scans read them so). */
    private static final List<String> ROWS = List.of(
            "(1, 1, '0', '0', 2, '1 day', 'a', '{\"a\": 1.0}', 1, 2000000000, 9000000000000000000, 1.234, 0.25, 0.5, 1,"
                    + " 1e308, 'Infinity', 3e38, '2000000000 days')",
            "(2, 1, 'NaN', 'NaN', 'NaN', '1 mon', 'b', '{\"a\": 2}', 2, 5, 7, 2.5, 1.5, 1.25, 2, NULL, NULL, NULL, NULL)",
            "(3, 2, 1.5, 1.5, 2.50, '36:00:00', 'a  ', '[1]', -3, -7, -9, -0.001, -2.75, 0.75, 3, NULL, NULL, NULL, NULL)",
            "(4, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
            "(1001, 1, '-0', '-0', 2.0, '24:00:00', 'a ', '{\"a\": 1.00}', 4, 2000000000, 9000000000000000000, 10, 3.5, 2.25, 4,"
                    + " 1e308, 1e308, 3e38, '2000000000 days')",
            "(1002, 2, 'NaN', 'NaN', 2.00, '30 days', 'b', '{\"a\": 2}', 5, 11, 13, 0.333, 0.125, 0.125, 5, NULL, NULL, NULL, NULL)",
            "(1003, 2, 1.5, '-0', 2.5, '1 day 12:00:00', 'c', '[1]', 6, 17, 19, 7.77, 8, 8, 6, NULL, NULL, NULL, NULL)",
            "(1004, 3, '0', 1.5, 'NaN', '-1 days +48:00:00', 'b', '{}', 7, 23, 29, 0.5, -1, -1, 7, NULL, NULL, NULL, NULL)",
            "(1005, 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "merged_values", SCHEMA, PoolMode.TRANSACTION);
        for (String row : ROWS) {
            long id = Long.parseLong(row.substring(1, row.indexOf(',')));
            cluster.insertDirectly(id, "INSERT INTO orders " + COLUMNS + " VALUES " + row);
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    /** Groups of equal values spelled differently on the two shards; the key column is the first. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "SELECT f, count(*), sum(i4) FROM orders GROUP BY f ORDER BY f; float8",
            "SELECT r, count(*), min(id) FROM orders GROUP BY r ORDER BY 1 DESC; real",
            "SELECT n, count(*), max(amount) FROM orders GROUP BY n ORDER BY n; numeric",
            "SELECT iv, count(*), sum(i2) FROM orders GROUP BY iv ORDER BY iv; interval",
            "SELECT bp, count(*) FROM orders GROUP BY bp ORDER BY count(*), bp; bpchar",
            "SELECT DISTINCT f FROM orders ORDER BY f; float8",
            "SELECT DISTINCT n FROM orders ORDER BY n DESC; numeric",
            "SELECT DISTINCT iv FROM orders ORDER BY iv; interval",
            "SELECT n, avg(i4), g FROM orders GROUP BY g, 1 ORDER BY 1, 3; numeric",
    })
    void groupsAndDistinctRowsFollowTheTypesEquality(String sql, String keyType) throws SQLException {
        try (Connection router = cluster.connect()) {
            assertSameUpToKeySpelling(sql, keyType, answer(router, sql), answer(cluster.reference(), sql));
        }
    }

    @Test
    void binaryResultsOfMergedGroupsMatchOneServer() throws SQLException {
        List<String> queries = List.of(
                "SELECT f, count(*) FROM orders WHERE id > ? GROUP BY f ORDER BY f",
                "SELECT n, count(*) FROM orders WHERE id > ? GROUP BY n ORDER BY n",
                "SELECT avg(r), avg(d), avg(i4), sum(i4), sum(r), avg(iv), sum(iv), avg(amount) FROM orders WHERE id > ?");
        try (Connection router = cluster.connect("prepareThreshold", "-1")) {
            for (String sql : queries) {
                List<String> routed = typed(router, sql);
                List<String> expected = typed(cluster.reference(), sql);
                assertThat(routed).as(sql).hasSameSizeAs(expected);
                for (int i = 0; i < routed.size(); i++) {
                    String[] ours = routed.get(i).split("\\|");
                    String[] theirs = expected.get(i).split("\\|");
                    assertThat(ours.length).isEqualTo(theirs.length);
                    for (int c = 0; c < ours.length; c++) {
                        // the spelling of a group's value is any of the group's (0 or -0); its value is not
                        if (ours[c].equals("null") || theirs[c].equals("null")) {
                            assertThat(ours[c]).as(sql + " row " + i).isEqualTo(theirs[c]);
                            continue;
                        }
                        double x = Double.parseDouble(ours[c]);
                        double y = Double.parseDouble(theirs[c]);
                        assertThat(x == y || Double.isNaN(x) && Double.isNaN(y)).as(sql + " row " + i + ": " + x + " versus " + y).isTrue();
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT avg(r), avg(ri), avg(d), avg(i2), avg(i4), avg(i8), avg(amount), avg(iv) FROM orders",
            "SELECT sum(r), sum(ri), sum(d), sum(i2), sum(i4), sum(i8), sum(amount), sum(iv), count(iv), count(*) FROM orders",
            "SELECT min(iv), max(iv), min(r), max(amount), min(bp) FROM orders",
            "SELECT g, avg(amount), avg(ri), avg(i2), avg(iv), sum(ri), sum(iv) FROM orders GROUP BY g ORDER BY g",
            "SELECT avg(hugeinf), sum(hugeinf), avg(hugereal) FROM orders",
            "SELECT avg(n) FROM orders WHERE n <> 'NaN'",
            "SELECT sum(n), avg(n), min(n), max(n), count(n) FROM orders",
            "SELECT g, avg(amount * 1000000), avg(amount / 1000000), avg(i8 / 7.0), avg(i4::numeric / 3) FROM orders GROUP BY g ORDER BY g",
            "SELECT avg(amount * 1000000), avg(amount / 1000000), avg(i8 / 7.0), avg(-i2 / 9.0), avg(i8 * 1e-30) FROM orders",
            "SELECT avg(amount), sum(amount) FROM orders WHERE id IN (3, 1002)",
            "SELECT avg(i4), g FROM orders GROUP BY 2 ORDER BY 2",
            "SELECT g, avg(d), count(*) FROM orders GROUP BY 1 ORDER BY 3 DESC, 1",
            "SELECT avg(d) AS a, avg(i2) AS b, g FROM orders GROUP BY 3 ORDER BY 3 DESC",
    })
    void aggregatesHavePostgresqlsTypesAndValues(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT sum(huge) FROM orders",
            "SELECT avg(huge) FROM orders",
            "SELECT sum(hugereal) FROM orders",
            "SELECT sum(longiv) FROM orders",
            "SELECT avg(longiv) FROM orders",
            "SELECT g, sum(huge) FROM orders GROUP BY g",
            "SELECT avg(i4), g FROM orders GROUP BY 1",
            "SELECT avg(i4), g FROM orders GROUP BY 3",
            "SELECT g, count(*) FROM orders GROUP BY g ORDER BY 0",
    })
    void errorsAreOneServersErrors(String sql) throws SQLException {
        SQLException expected = catchThrowableOfType(SQLException.class, () -> answer(cluster.reference(), sql));
        assertThat((Throwable) expected).as(sql + " on one server").isNotNull();
        try (Connection router = cluster.connect()) {
            SQLException error = catchThrowableOfType(SQLException.class, () -> answer(router, sql));
            assertThat((Throwable) error).as(sql).isNotNull();
            assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo(expected.getSQLState());
            // a shard's own error names the shard
            assertThat(error.getMessage()).contains(expected.getMessage().lines().findFirst().orElseThrow().replace("ERROR: ", ""));
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "9");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "SELECT g, count(*) FROM orders GROUP BY ROLLUP (g); GROUPING SETS, ROLLUP and CUBE",
            "SELECT g, i2, count(*) FROM orders GROUP BY CUBE (g, i2); GROUPING SETS, ROLLUP and CUBE",
            "SELECT g, grouping(g), count(*) FROM orders GROUP BY GROUPING SETS ((g), ()); GROUPING SETS, ROLLUP and CUBE",
            "SELECT id FROM orders ORDER BY g FETCH FIRST 2 ROWS WITH TIES; FETCH … WITH TIES",
            "SELECT id FROM orders ORDER BY id USING >; ORDER BY … USING",
            "SELECT j, count(*) FROM orders GROUP BY j; GROUP BY or DISTINCT over column \"j\"",
            "SELECT DISTINCT j FROM orders; GROUP BY or DISTINCT over column \"j\"",
            "SELECT sum(m) FROM orders; money",
    })
    void whatTheMergeCannotComputeIsFinishedOnOneShard(String sql, String mergeCannot) throws SQLException {
        // the merge cannot compute these (mergeCannot says why); PostgreSQL does, on the finishing shard
        try (Connection router = cluster.connect()) {
            assertThat(ScatterCluster.answerOrError(router, sql, false)).as(sql + ": " + mergeCannot)
                    .isEqualTo(ScatterCluster.answerOrError(cluster.reference(), sql, false));
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "9");
        }
    }

    /**
     * The same header and rows, except that the first column of each row may show another value of
     * the same group: PostgreSQL itself decides that the two are equal.
     */
    private void assertSameUpToKeySpelling(String sql, String keyType, List<String> routed, List<String> expected)
            throws SQLException {
        assertThat(routed).as(sql).hasSameSizeAs(expected);
        assertThat(routed.getFirst()).isEqualTo(expected.getFirst());
        for (int i = 1; i < routed.size(); i++) {
            String ours = routed.get(i);
            String theirs = expected.get(i);
            int cut = ours.indexOf('|');
            int theirCut = theirs.indexOf('|');
            String ourKey = cut < 0 ? ours : ours.substring(0, cut);
            String theirKey = theirCut < 0 ? theirs : theirs.substring(0, theirCut);
            assertThat(cut < 0 ? "" : ours.substring(cut)).as(sql + ": " + ours).isEqualTo(theirCut < 0 ? "" : theirs.substring(theirCut));
            if (ourKey.equals("∅") || theirKey.equals("∅")) {
                assertThat(ourKey).as(sql).isEqualTo(theirKey);
                continue;
            }
            String same = "SELECT '" + ourKey + "'::" + keyType + " = '" + theirKey + "'::" + keyType;
            assertThat(answer(cluster.reference(), same)).as(sql + ": " + ours + " versus " + theirs).endsWith("t");
        }
    }

    private static List<String> typed(Connection connection, String sql) throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            statement.setInt(1, 0);
            try (var rows = statement.executeQuery()) {
                var meta = rows.getMetaData();
                List<String> lines = new ArrayList<>();
                while (rows.next()) {
                    StringBuilder line = new StringBuilder();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        Object value = rows.getObject(c);
                        if (value instanceof org.postgresql.util.PGInterval interval) {
                            value = interval.getDays() * 86400.0 + (interval.getYears() * 12 + interval.getMonths()) * 30 * 86400.0
                                    + interval.getSeconds()
                                    + interval.getHours() * 3600.0 + interval.getMinutes() * 60.0;
                        }
                        line.append(c > 1 ? "|" : "").append(value);
                    }
                    lines.add(line.toString());
                }
                return lines;
            }
        }
    }
}
