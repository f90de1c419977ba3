package dev.shardgate.it.scatter;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a merged multi-shard SELECT must know about names: which functions are aggregates, which
 * column an ORDER BY name means, and in which collation text sorts. The router answers what one
 * server holding every row answers, or refuses with 0A000 naming what it cannot merge.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MergedNamesTest {
    /** cust is an ordinary table with the same rows on every shard; its v clashes with orders.v. */
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, cid int, qty int, v text, name text COLLATE "C",
                                 label text COLLATE "en-US-x-icu", code char(3), paid bool);
            CREATE TABLE cust (id int PRIMARY KEY, v text);
            INSERT INTO cust SELECT k, 'cust' || (k * 7) % 10 FROM generate_series(0, 9) k;
            CREATE AGGREGATE myagg(int) (sfunc = int4pl, stype = int, initcond = '0');
            CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
            """;
    /** Words whose byte order differs from a linguistic one, char(3) values with characters below blank. */
    static final String ROWS = """
            INSERT INTO orders
            SELECT id, k % 10, k % 7, w, w, w, (ARRAY[E'a\\t', 'a', 'a!', 'B', ' b', 'b'])[k % 6 + 1], k % 5 <> 0
            FROM generate_series(0, 39) k,
                 LATERAL (SELECT CASE WHEN k % 2 = 0 THEN k ELSE 1000 + k END AS id,
                                 (ARRAY['apple', 'Banana', 'cherry', 'Apple', 'banana', 'éclair', 'Zebra', 'zoo'])[k % 8 + 1] AS w) x
            """;

    private ScatterCluster cluster;
    /** The same, in databases whose default collation is ICU's en-US. */
    private ScatterCluster icu;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = filled(ScatterCluster.start(servers, "merged_names", SCHEMA, PoolMode.TRANSACTION));
        for (LocalPostgres server : servers.all()) {
            server.createUser(ScatterCluster.USER, null);
            for (String database : List.of("merged_names_icu", "merged_names_icu_ref")) {
                server.psql("postgres", "CREATE DATABASE " + database + " OWNER " + ScatterCluster.USER
                        + " TEMPLATE template0 LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
            }
        }
        icu = filled(ScatterCluster.start(servers, "merged_names_icu", SCHEMA, PoolMode.TRANSACTION));
    }

    private static ScatterCluster filled(ScatterCluster cluster) throws SQLException {
        ScatterCluster.execute(cluster.shard(0), ROWS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), ROWS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), ROWS);
        return cluster;
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
        icu.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT bool_and(paid), bool_or(paid), every(paid), count(*) FROM orders",
            "SELECT id, (SELECT max(c.v) FROM cust c WHERE c.id = o.cid) FROM orders o ORDER BY id",
            "SELECT qty, bool_and(paid), bool_or(qty > 3) FROM orders GROUP BY qty ORDER BY qty",
            "SELECT o.id, c.v FROM orders o JOIN cust c ON c.id = o.cid ORDER BY v, o.id LIMIT 5",
            "SELECT o.id, c.v FROM orders o JOIN cust c ON c.id = o.cid ORDER BY o.v, o.id LIMIT 3",
            "SELECT o.id, o.v AS w, c.v FROM orders o JOIN cust c ON c.id = o.cid ORDER BY o.v DESC, o.id LIMIT 4",
            "SELECT o.id AS x, c.v FROM orders o JOIN cust c ON c.id = o.cid ORDER BY c.v, x LIMIT 6",
            "SELECT id::text, qty FROM orders ORDER BY id LIMIT 7",
            "SELECT o.v AS w, id FROM orders o ORDER BY v, id LIMIT 9",
            "SELECT id, name FROM orders ORDER BY name, id",
            "SELECT id, v COLLATE \"C\" AS v FROM orders ORDER BY 2 DESC, id",
            "SELECT id, v FROM orders ORDER BY v COLLATE \"C\", id LIMIT 11",
            "SELECT id, lower(v) FROM orders ORDER BY 2, 1",
            "SELECT min(name), max(v), min(label COLLATE \"C\"), max(lower(v)) FROM orders",
            "SELECT qty, min(v) FROM orders GROUP BY qty ORDER BY qty",
            "SELECT id, code FROM orders ORDER BY code, id",
            "SELECT min(code), max(code) FROM orders",
            "SELECT id, code FROM orders ORDER BY code DESC, id LIMIT 8",
    })
    void mergedAnswersMatchOneServer(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT myagg(qty) FROM orders|myagg",
            "SELECT qty, myagg(id) FROM orders GROUP BY qty|myagg",
            "SELECT public.myagg(qty) FROM orders|public.myagg",
            "SELECT id, twice(qty) FROM orders ORDER BY id|twice",
    })
    void whatCannotBeMergedIsRefusedNamingIt(String sqlAndName) throws SQLException {
        String sql = sqlAndName.substring(0, sqlAndName.indexOf('|'));
        String named = sqlAndName.substring(sqlAndName.indexOf('|') + 1);
        try (Connection router = cluster.connect()) {
            SQLException error = catchThrowableOfType(SQLException.class, () -> answer(router, sql));
            assertThat((Throwable) error).as(sql).isNotNull();
            assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo("0A000");
            assertThat(error.getMessage()).as(sql).contains(named);
            assertThat(answer(router, "SELECT count(*) FROM orders")).containsExactly("count:int8", "40");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT string_agg(v, ',' ORDER BY v, id) FROM orders",
            "SELECT array_agg(id ORDER BY id) FROM orders",
            "SELECT stddev(qty) FROM orders",
            "SELECT bit_or(qty) FROM orders",
            "SELECT (SELECT max(o.qty)) FROM orders o",
            "SELECT id, label FROM orders ORDER BY label, id",
            "SELECT id, v FROM orders ORDER BY v COLLATE \"en-US-x-icu\", id",
            "SELECT min(label) FROM orders",
            "SELECT qty, max(lower(label)) FROM orders GROUP BY qty ORDER BY qty",
    })
    void whatTheMergeCannotComputeIsFinishedOnOneShard(String sql) throws SQLException {
        // aggregates the merge does not combine, text in a collation it cannot order: PostgreSQL computes them
        try (Connection router = cluster.connect()) {
            assertThat(ScatterCluster.answerOrError(router, sql, true)).as(sql)
                    .isEqualTo(ScatterCluster.answerOrError(cluster.reference(), sql, true));
        }
    }

    @Test
    void theExtendedProtocolFinishesWhatTheCollationRefusesToo() throws SQLException {
        try (Connection router = cluster.connect("prepareThreshold", "1");
             var statement = router.prepareStatement("SELECT id, label FROM orders WHERE qty > ? ORDER BY label, id");
             var reference = cluster.reference().prepareStatement("SELECT id, label FROM orders WHERE qty > ? ORDER BY label, id")) {
            statement.setInt(1, 2);
            reference.setInt(1, 2);
            List<String> routed = new java.util.ArrayList<>();
            List<String> expected = new java.util.ArrayList<>();
            try (var rows = statement.executeQuery(); var oneServer = reference.executeQuery()) {
                while (rows.next()) {
                    routed.add(rows.getInt(1) + "|" + rows.getString(2));
                }
                while (oneServer.next()) {
                    expected.add(oneServer.getInt(1) + "|" + oneServer.getString(2));
                }
            }
            assertThat(routed).isNotEmpty().containsExactlyElementsOf(expected);
            assertThat(answer(router, "SELECT id, name FROM orders ORDER BY name, id"))
                    .containsExactlyElementsOf(answer(cluster.reference(), "SELECT id, name FROM orders ORDER BY name, id"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, name FROM orders ORDER BY name, id",
            "SELECT id, v FROM orders ORDER BY v COLLATE \"C\", id",
            "SELECT min(name), max(v COLLATE \"C\") FROM orders",
            "SELECT qty, max(name) FROM orders GROUP BY qty ORDER BY 2, 1",
            "SELECT id, qty FROM orders ORDER BY qty, id",
    })
    void anIcuDatabaseMergesWhatIsInByteOrder(String sql) throws SQLException {
        try (Connection router = icu.connect()) {
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(icu.reference(), sql));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, v FROM orders ORDER BY v, id",
            "SELECT min(v) FROM orders",
            "SELECT id, v || '!' FROM orders ORDER BY 2, 1",
    })
    void anIcuDatabaseFinishesItsDefaultOrderOnOneShard(String sql) throws SQLException {
        try (Connection router = icu.connect()) {
            assertThat(ScatterCluster.answerOrError(router, sql, true)).as(sql)
                    .isEqualTo(ScatterCluster.answerOrError(icu.reference(), sql, true));
        }
    }
}
