package dev.shardgate.it.routing;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPQR's virtual parameters and functions as a script written for SPQR uses them, through psql where
 * the output matters: every documented {@code __spqr__} parameter is taken by SET, SHOW and RESET;
 * {@code __spqr__scatter_query} sends a statement to every shard; {@code __spqr__reply_notice} names
 * the shards; {@code SELECT __spqr__…()} is answered by the router; VACUUM and ANALYZE of a
 * distributed table run on every shard. Every shard holds a copy of the same rows, each naming its
 * shard (see {@link Orders#mirror}), so a read tells where it ran.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirtualParametersTest {
    /** SPQR's documented virtual parameters (docs/routing/hints.mdx and its session parameter list). */
    private static final List<String> SPQR_PARAMETERS = List.of("__spqr__engine_v2", "__spqr__preferred_engine",
            "__spqr__auto_distribution", "__spqr__distribution_key", "__spqr__distributed_relation",
            "__spqr__allow_split_update", "__spqr__allow_postprocessing", "__spqr__scatter_query",
            "__spqr__execute_host_filter", "__spqr__execute_on", "__spqr__advisory_lock_behaviour",
            "__spqr__default_route_behaviour", "__spqr__sharding_key", "__spqr__distribution", "__spqr__reply_notice",
            "__spqr__maintain_params", "__spqr__commit_strategy", "__spqr__target_session_attrs",
            "__spqr__notice_message_format", "__spqr__linearize_dispatch", "__spqr__allow_autoprotect_2pc",
            "__spqr__flux_access", "__spqr__session_connections_pin", "__spqr__eager_cleanup_2pc");

    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_virtual").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void mirrorRows() throws SQLException {
        Orders.mirror(cluster);
    }

    @Test
    void everySpqrParameterIsSetShownAndReset() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            for (String name : SPQR_PARAMETERS) {
                String value = switch (name) {
                    case "__spqr__default_route_behaviour" -> "ALLOW";
                    case "__spqr__commit_strategy" -> "2pc";
                    case "__spqr__target_session_attrs" -> "read-write";
                    case "__spqr__execute_on" -> "sh2";
                    case "__spqr__engine_v2", "__spqr__allow_split_update", "__spqr__allow_postprocessing",
                         "__spqr__scatter_query", "__spqr__reply_notice", "__spqr__maintain_params",
                         "__spqr__linearize_dispatch", "__spqr__allow_autoprotect_2pc", "__spqr__flux_access",
                         "__spqr__session_connections_pin", "__spqr__eager_cleanup_2pc" -> "off";
                    default -> "x1";
                };
                String before = query(router, "SHOW " + name);
                execute(router, "SET " + name + " TO '" + value + "'");
                assertThat(query(router, "SHOW " + name)).as(name).isEqualTo(value);
                execute(router, "RESET " + name);
                assertThat(query(router, "SHOW " + name)).as(name + " after RESET").isEqualTo(before);
            }
        }
    }

    @Test
    void booleansTakeSpqrsSpellingsAndUnknownNamesAreErrorsNamingThem() {
        ProcessResult run = cluster.psql().script("""
                SHOW __spqr__engine_v2;
                SET __spqr__engine_v2 TO false;
                SHOW __spqr__engine_v2;
                SET __spqr__allow_split_update TO ok;
                SHOW __spqr__allow_split_update;
                SHOW __spqr__scatter_query;
                SHOW __spqr__default_route_behaviour;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("on\nSET\noff\nSET\non\noff\nBLOCK\n");

        ProcessResult unknown = cluster.psql().script("\\set VERBOSITY verbose\nSET __spqr__engine_v3 TO on;\n");
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(unknown.stderr()).contains("42704").contains("__spqr__engine_v3");

        ProcessResult notBoolean = cluster.psql().script("\\set VERBOSITY verbose\nSET __spqr__scatter_query TO maybe;\n");
        assertThat(notBoolean.exitCode()).isNotZero();
        assertThat(notBoolean.stderr()).contains("22023").contains("__spqr__scatter_query");
    }

    @Test
    void scatterQuerySendsTheStatementToEveryShardAndConcatenatesTheirRows() throws SQLException {
        ProcessResult run = cluster.psql().script("""
                SELECT customer FROM orders WHERE id = 5 /* __spqr__scatter_query: true */;
                SELECT customer FROM orders WHERE id = 5;
                SET __spqr__scatter_query TO on;
                SELECT count(*) FROM orders;
                UPDATE orders SET amount = 7 WHERE id = 1005;
                RESET __spqr__scatter_query;
                SELECT customer FROM orders WHERE id = 1005;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("sh1\nsh2\nsh1\nSET\n4\n4\nUPDATE 2\nRESET\nsh2\n");
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1005")).isEqualTo(cluster.everywhere("7"));

        ProcessResult inBlock = cluster.psql().script("""
                BEGIN;
                UPDATE orders SET amount = 8 WHERE id = 6;
                SELECT sum(amount) FROM orders /* __spqr__scatter_query: true */;
                ROLLBACK;
                SELECT sum(amount) FROM orders WHERE id = 6;
                """);
        assertThat(inBlock.exitCode()).as(inBlock.stderr()).isZero();
        assertThat(inBlock.stdout()).isEqualTo("BEGIN\nUPDATE 1\n15\n7\nROLLBACK\n0\n");
    }

    @Test
    void scatterQueryNeverPutsANewRowOnAShardThatDoesNotOwnItsKey() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            SQLException refused = error(router, "INSERT INTO orders (id, customer) VALUES (700, 'x') /* __spqr__scatter_query: true */");
            assertThat(refused.getSQLState()).isEqualTo("0A000");
            assertThat(refused.getMessage()).contains("sh1").contains("sh2");
        }
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = 700")).isEqualTo(cluster.everywhere("0"));
    }

    @Test
    void replyNoticeNamesTheShardsAStatementIsSentTo() {
        ProcessResult run = cluster.psql().script("""
                SET __spqr__reply_notice TO true;
                INSERT INTO orders (id, customer) VALUES (700, 'p1');
                SELECT customer FROM orders WHERE id = 1005;
                SELECT count(*) FROM orders /* __spqr__scatter_query: true */;
                RESET __spqr__reply_notice;
                SELECT customer FROM orders WHERE id = 1006;
                SELECT customer FROM orders WHERE id = 6 /* __spqr__reply_notice: on */;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr().lines().toList()).containsExactly(
                "psql:<stdin>:2: NOTICE:  send query to shard(s) : sh1",
                "psql:<stdin>:3: NOTICE:  send query to shard(s) : sh2",
                "psql:<stdin>:4: NOTICE:  send query to shard(s) : sh1,sh2",
                "psql:<stdin>:7: NOTICE:  send query to shard(s) : sh1");
        assertThat(run.stdout()).isEqualTo("SET\nINSERT 0 1\nsh2\n5\n4\nRESET\nsh2\nsh1\n");
    }

    @Test
    void showNoticeMessagesInRouterYamlTurnsReplyNoticeOnForEverySession(PostgresServers servers) throws Exception {
        try (RoutedShards noticing = RoutedShards.on(servers, "routing_notices").schema(Orders.SCHEMA)
                .initSql(Orders.init(2)).showNoticeMessages(true).start()) {
            ProcessResult run = noticing.psql().script("""
                    SHOW __spqr__reply_notice;
                    SELECT count(*) FROM orders WHERE id = 1005;
                    SET __spqr__reply_notice TO off;
                    SELECT count(*) FROM orders WHERE id = 5;
                    """);
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            assertThat(run.stdout()).isEqualTo("on\n0\nSET\n0\n");
            assertThat(run.stderr().lines().toList()).containsExactly("psql:<stdin>:2: NOTICE:  send query to shard(s) : sh2");
        }
    }

    @Test
    void virtualFunctionsAreAnsweredByTheRouterInPsqlsForm() {
        ProcessResult run = cluster.psql().script("""
                \\pset tuples_only off
                \\pset format aligned
                SELECT __spqr__is_ready();
                SELECT __spqr__shards();
                SELECT * FROM __spqr__show('key_ranges');
                SELECT __spqr__console_execute('SHOW distributions');
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        ProcessResult console = cluster.consolePsql().script("""
                \\pset tuples_only off
                \\pset format aligned
                SHOW key_ranges;
                SHOW distributions;
                """);
        assertThat(console.exitCode()).as(console.stderr()).isZero();
        // the router's answers to __spqr__show and __spqr__console_execute are the console's, line by line
        String tables = console.stdout().substring(console.stdout().indexOf("aligned.\n") + "aligned.\n".length());
        assertThat(run.stdout()).endsWith(tables);
        assertThat(run.stdout()).contains("""
                 __spqr__is_ready\s
                ------------------
                 t
                (1 row)
                """).contains("""
                 shard name\s
                ------------
                 sh1
                 sh2
                (2 rows)
                """);
        assertThat(console.stdout()).contains("kr1").contains("kr2").contains("ds1");
    }

    @Test
    void virtualFunctionsAnswerTheConsolesTablesOverEveryProtocol() throws SQLException {
        for (Protocol protocol : Protocol.values()) {
            try (Connection router = cluster.connect(protocol)) {
                assertThat(rows(router, "SELECT __spqr__shards()")).as(protocol.name()).containsExactly("sh1", "sh2");
                assertThat(rows(router, "SELECT * FROM __spqr__show('key_ranges')")).as(protocol.name()).hasSize(2);
                assertThat(query(router, "SELECT __spqr__is_ready()")).isEqualTo("t");
                SQLException unknown = error(router, "SELECT __spqr__no_such_function()");
                assertThat(unknown.getSQLState()).isEqualTo("42883");
                assertThat(unknown.getMessage()).contains("__spqr__no_such_function");
                SQLException badTarget = error(router, "SELECT __spqr__show('no_such_target')");
                assertThat(badTarget.getSQLState()).isNotNull();
            }
        }
    }

    @Test
    void vacuumAndAnalyzeOfADistributedTableRunOnEveryShard() throws Exception {
        var vacuumsBefore = cluster.onEachShard("SELECT vacuum_count || ':' || analyze_count FROM pg_stat_user_tables WHERE relname = 'orders'");
        ProcessResult run = cluster.psql().script("VACUUM orders;\nANALYZE orders;\nVACUUM (ANALYZE) items;\n");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("VACUUM\nANALYZE\nVACUUM\n");
        for (String shard : cluster.shardNames()) {
            String[] before = vacuumsBefore.get(shard).split(":");
            String expected = (Long.parseLong(before[0]) + 1) + ":" + (Long.parseLong(before[1]) + 1);
            String after = "";
            // the statistics collector's counters are read as they were when the transaction started
            for (int attempt = 0; attempt < 50 && !after.equals(expected); attempt++) {
                after = cluster.on(shard, "SELECT vacuum_count || ':' || analyze_count FROM pg_stat_user_tables WHERE relname = 'orders'");
                Thread.sleep(100);
            }
            assertThat(after).as(shard).isEqualTo(expected);
        }
    }

    @Test
    void resetApplicationNameRestoresTheStartupValue() {
        ProcessResult run = cluster.psql().script("""
                SET application_name = 'changed';
                SHOW application_name;
                RESET application_name;
                SHOW application_name;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("SET\nchanged\nRESET\npsql\n");
    }

    private static List<String> rows(Connection router, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (var statement = router.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
