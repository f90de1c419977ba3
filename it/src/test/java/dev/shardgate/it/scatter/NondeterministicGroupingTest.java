package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static dev.shardgate.it.scatter.ViewsAndFunctionsTest.sorted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Under a nondeterministic collation PostgreSQL finds 'a' and 'A' equal: one group, one DISTINCT row.
 * The router finds equal text by equal bytes, so grouping such text from several shards is refused;
 * in deterministic collations (C, the database default, ICU's default) grouping by bytes is right.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NondeterministicGroupingTest {
    static final String SCHEMA = """
            CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
            CREATE TABLE orders (id int PRIMARY KEY, name text COLLATE ci, code text, tag text COLLATE "und-x-icu", qty int);
            CREATE VIEW named AS SELECT id, name AS n FROM orders WHERE qty > 0;
            """;
    /** 'a' on the first shard, 'A' on the second: one group under ci. */
    static final String ROWS = """
            INSERT INTO orders SELECT * FROM (VALUES (1, 'a', 'x', 't', 1), (2, 'b', 'y', 'T', 2), (1001, 'A', 'x', 't', 1),
                (1002, 'B', 'Y', 'u', 2)) v (id, name, code, tag, qty)
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "scatter_ci", SCHEMA, PoolMode.TRANSACTION);
        ScatterCluster.execute(cluster.shard(0), ROWS + " WHERE id < 1000");
        ScatterCluster.execute(cluster.shard(1), ROWS + " WHERE id >= 1000");
        ScatterCluster.execute(cluster.reference(), ROWS);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT name, count(*) FROM orders GROUP BY name|\"name\" is grouped in collation \"ci\"",
            "SELECT qty, name, sum(id) FROM orders GROUP BY qty, name|\"name\" is grouped in collation \"ci\"",
            "SELECT DISTINCT name FROM orders|\"name\" is grouped in collation \"ci\"",
            "SELECT DISTINCT code COLLATE ci FROM orders|\"code\" is grouped in collation \"ci\"",
            "SELECT DISTINCT lower(name) FROM orders|collation \"ci\"",
            "SELECT DISTINCT * FROM orders|\"name\" is grouped in collation \"unknown\"",
            "SELECT DISTINCT n FROM named|\"n\" is grouped in collation \"ci\"",
    })
    void groupingTextOfANondeterministicCollationIsFinishedOnOneShard(String sqlAndNamed) throws SQLException {
        // the merge would group by bytes (named: why it cannot); PostgreSQL groups by the collation
        String sql = sqlAndNamed.substring(0, sqlAndNamed.indexOf('|'));
        try (Connection router = cluster.connect()) {
            assertThat(ScatterCluster.answerOrError(router, sql, false)).as(sql)
                    .isEqualTo(ScatterCluster.answerOrError(cluster.reference(), sql, false));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT code, count(*) FROM orders GROUP BY code",
            "SELECT DISTINCT code FROM orders",
            "SELECT DISTINCT tag FROM orders",
            "SELECT tag, sum(qty) FROM orders GROUP BY tag",
            "SELECT name COLLATE \"C\", count(*) FROM orders GROUP BY 1",
            "SELECT DISTINCT name COLLATE \"C\" AS n, qty FROM orders",
            "SELECT qty, count(*) FROM orders GROUP BY qty",
            "SELECT DISTINCT qty FROM orders",
    })
    void groupingTextOfADeterministicCollationAnswersAsOneServer(String sql) throws SQLException {
        try (Connection router = cluster.connect(); Connection extended = cluster.connect("prepareThreshold", "1")) {
            assertThat(sorted(answer(router, sql))).as(sql).isEqualTo(sorted(answer(cluster.reference(), sql)));
            assertThat(sorted(answer(extended, sql))).as(sql).isEqualTo(sorted(answer(cluster.reference(), sql)));
        }
    }
}
