package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Functions that write: one that writes a reference relation changes every copy or is refused, and
 * a multi-shard write calls built-in functions only; never does one shard's copy or share of the
 * rows change where one server would have changed all of them once.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionWritesTest {
    static final String SCHEMA = """
            CREATE TABLE orders (id int PRIMARY KEY, qty int);
            CREATE TABLE settings (k text PRIMARY KEY, v int);
            CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'UPDATE settings SET v = v + 1 RETURNING v';
            CREATE FUNCTION calls_bump() RETURNS int LANGUAGE sql AS 'SELECT bump()';
            CREATE FUNCTION pl_bump() RETURNS int LANGUAGE plpgsql AS $$BEGIN UPDATE settings SET v = v + 1; RETURN 1; END$$;
            CREATE FUNCTION setting(text) RETURNS int LANGUAGE sql AS 'SELECT v FROM settings WHERE k = $1';
            CREATE FUNCTION double_it(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "scatter_function_writes", SCHEMA, PoolMode.TRANSACTION);
        try (Connection console = cluster.console()) {
            ScatterCluster.execute(console, "CREATE REFERENCE TABLE settings");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders, settings");
        cluster.onShardsAndReference("INSERT INTO settings VALUES ('a', 1)");
        ScatterCluster.execute(cluster.shard(0), "INSERT INTO orders VALUES (1, 1), (2, 2)");
        ScatterCluster.execute(cluster.shard(1), "INSERT INTO orders VALUES (1001, 1), (1002, 2)");
        ScatterCluster.execute(cluster.reference(), "INSERT INTO orders VALUES (1, 1), (2, 2), (1001, 1), (1002, 2)");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT bump()|function public.bump may write reference relations",
            "SELECT calls_bump()|function public.calls_bump may write reference relations",
            "SELECT pl_bump()|function public.pl_bump may ",
            "SELECT bump() FROM orders WHERE id = 1001|function public.bump may write reference relations",
            "SELECT k, bump() FROM settings|function public.bump may write reference relations",
    })
    void aFunctionThatWritesAReferenceRelationOnOneCopyIsRefused(String sqlAndNamed) throws SQLException {
        String sql = sqlAndNamed.substring(0, sqlAndNamed.indexOf('|'));
        String named = sqlAndNamed.substring(sqlAndNamed.indexOf('|') + 1);
        try (Connection router = cluster.connect()) {
            assertThat(refusal(router, sql).getMessage()).as(sql).contains(named);
        }
        for (int shard = 0; shard < 2; shard++) {
            assertThat(answer(cluster.shard(shard), "SELECT v FROM settings")).as("every copy unchanged").containsExactly("v:int4", "1");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT setting('a')", "SELECT setting('a') FROM orders WHERE id = 2", "SELECT double_it(setting('a'))"})
    void aFunctionThatReadsAReferenceRelationRuns(String sql) throws SQLException {
        try (Connection router = cluster.connect()) {
            assertThat(answer(router, sql)).as(sql).containsExactlyElementsOf(answer(cluster.reference(), sql));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "UPDATE orders SET qty = double_it(qty)|function double_it",
            "DELETE FROM orders WHERE qty = double_it(1)|function double_it",
            "UPDATE orders SET qty = setting('a')|function setting",
            "INSERT INTO orders (id, qty) VALUES (5, double_it(1)), (1005, 2)|function double_it",
    })
    void aMultiShardWriteThatCallsAUserFunctionIsRefused(String sqlAndNamed) throws SQLException {
        String sql = sqlAndNamed.substring(0, sqlAndNamed.indexOf('|'));
        String named = sqlAndNamed.substring(sqlAndNamed.indexOf('|') + 1);
        try (Connection router = cluster.connect()) {
            SQLException error = refusal(router, sql);
            assertThat(error.getMessage()).as(sql).contains(named + " is not a built-in function of PostgreSQL");
        }
        assertThat(answer(cluster.shard(0), "SELECT id, qty FROM orders ORDER BY id")).containsExactly("id:int4|qty:int4", "1|1", "2|2");
        assertThat(answer(cluster.shard(1), "SELECT id, qty FROM orders ORDER BY id"))
                .containsExactly("id:int4|qty:int4", "1001|1", "1002|2");
    }

    @Test
    void writesWithBuiltInFunctionsOrOnOneShardStillRun() throws SQLException {
        String[] writes = {
            "UPDATE orders SET qty = abs(qty) * 3 WHERE qty > 0",
            "UPDATE orders SET qty = double_it(qty) WHERE id = 1001",
            "INSERT INTO orders (id, qty) VALUES (7, greatest(1, 2)), (1007, 3)",
            "DELETE FROM orders WHERE qty = length('xx')",
        };
        try (Connection router = cluster.connect(); Statement viaRouter = router.createStatement();
             Statement onReference = cluster.reference().createStatement()) {
            for (String sql : writes) {
                assertThat(viaRouter.executeUpdate(sql)).as(sql).isEqualTo(onReference.executeUpdate(sql));
            }
            String all = "SELECT id, qty FROM orders ORDER BY id";
            assertThat(answer(router, all)).containsExactlyElementsOf(answer(cluster.reference(), all));
        }
    }

    private static SQLException refusal(Connection router, String sql) {
        SQLException error = catchThrowableOfType(SQLException.class, () -> answer(router, sql));
        assertThat((Throwable) error).as(sql).isNotNull();
        assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo("0A000");
        return error;
    }
}
