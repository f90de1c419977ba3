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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.ArrayList;
import java.util.List;

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPQR's virtual functions that name keys, shards and two-phase transactions, as a script written for
 * SPQR calls them: {@code __spqr__route_key}, {@code __spqr__ctid}, {@code __spqr__remote_execute} and
 * {@code __spqr__set_next_2pc_gid}, through psql where the output matters and pgjdbc over every
 * protocol; and SPQR's {@code NOTICE: send query to shard(s)} for extended-protocol statements.
 * Keys below 1000 live on sh1, the rest on sh2 (see {@link Orders}).
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirtualFunctionsTest {
    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_vfuncs").schema(Orders.SCHEMA).initSql(Orders.init(2)).start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        cluster.endAbandonedTransactions();
        cluster.onEveryShard("TRUNCATE orders, items");
    }

    @Test
    void routeKeyNamesTheShardOfAKeyInPsqlsForm() {
        ProcessResult run = cluster.psql().aligned("""
                SELECT __spqr__route_key('ds1', '5');
                SELECT __spqr__route_key('ds1', '999');
                SELECT __spqr__route_key('ds1', '1000') /* __spqr__distributed_relation: items */;
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("""
                 __spqr__route_key\s
                -------------------
                 sh1
                (1 row)

                 __spqr__route_key\s
                -------------------
                 sh1
                (1 row)

                 __spqr__route_key\s
                -------------------
                 sh2
                (1 row)

                """);
    }

    @Test
    void routeKeyRefusesWhatItCannotRouteNamingIt() throws SQLException {
        for (Protocol protocol : Protocol.values()) {
            try (Connection router = cluster.connect(protocol)) {
                assertThat(query(router, "SELECT __spqr__route_key('ds1', '1500')")).as(protocol.name()).isEqualTo("sh2");
                SQLException unknown = error(router, "SELECT __spqr__route_key('ds9', '5')");
                assertThat(unknown.getSQLState()).as(protocol.name()).isEqualTo("42704");
                assertThat(unknown.getMessage()).contains("ds9");
                SQLException notAKey = error(router, "SELECT __spqr__route_key('ds1', 'abc')");
                assertThat(notAKey.getSQLState()).as(protocol.name()).isEqualTo("22P02");
                SQLException noRange = error(router, "SELECT __spqr__route_key('ds1', '-5')");
                assertThat(noRange.getSQLState()).as(protocol.name()).isEqualTo("22023");
                assertThat(noRange.getMessage()).contains("ds1");
                SQLException oneArgument = error(router, "SELECT __spqr__route_key('ds1')");
                assertThat(oneArgument.getSQLState()).isEqualTo("42883");
                assertThat(oneArgument.getMessage()).contains("__spqr__route_key").contains("2 arguments");
            }
        }
    }

    @Test
    void ctidListsEachShardsRowsAfterTheShardsName() throws SQLException {
        cluster.on("sh1", "INSERT INTO orders (id, customer) VALUES (5, 'a'), (6, 'b')");
        cluster.on("sh2", "INSERT INTO orders (id, customer) VALUES (1005, 'c')");
        ProcessResult run = cluster.psql().aligned("""
                SELECT __spqr__ctid('orders');
                BEGIN;
                INSERT INTO orders (id, customer, amount) VALUES (1006, 'd', 4);
                SELECT __spqr__ctid('public.orders');
                ROLLBACK;
                SELECT __spqr__ctid('items');
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("""
                 __spqr__ctid |  id  | customer | amount\s
                --------------+------+----------+--------
                 shard sh1    |    5 | a        |      0
                 shard sh1    |    6 | b        |      0
                 shard sh2    | 1005 | c        |      0
                (3 rows)

                 __spqr__ctid |  id  | customer | amount\s
                --------------+------+----------+--------
                 shard sh1    |    5 | a        |      0
                 shard sh1    |    6 | b        |      0
                 shard sh2    | 1005 | c        |      0
                 shard sh2    | 1006 | d        |      4
                (4 rows)

                 __spqr__ctid | order_id | sku | qty\s
                --------------+----------+-----+-----
                (0 rows)

                """);
    }

    @Test
    void ctidOverEveryProtocol() throws SQLException {
        cluster.on("sh1", "INSERT INTO orders (id, customer) VALUES (5, 'a')");
        cluster.on("sh2", "INSERT INTO orders (id, customer) VALUES (1005, 'c')");
        for (Protocol protocol : Protocol.values()) {
            try (Connection router = cluster.connect(protocol)) {
                assertThat(query(router, "SELECT __spqr__ctid('orders')")).as(protocol.name())
                        .isEqualTo("shard sh1|5|a|0\nshard sh2|1005|c|0");
                SQLException missing = error(router, "SELECT __spqr__ctid('no_such_table')");
                assertThat(missing.getSQLState()).as(protocol.name()).isEqualTo("42P01");
            }
        }
    }

    @Test
    void remoteExecuteRunsTheStatementOnTheNamedShardWithTheClientsLogin() throws SQLException {
        ProcessResult run = cluster.psql().aligned("""
                SELECT __spqr__remote_execute('sh2', 'INSERT INTO orders (id, customer) VALUES (1007, ''on sh2'')');
                SELECT __spqr__remote_execute('sh2', 'SELECT id, customer, current_user = session_user AS same_login FROM orders');
                SELECT __spqr__remote_execute('sh1', 'SELECT count(*) FROM orders');
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("""
                  id  | customer | same_login\s
                ------+----------+------------
                 1007 | on sh2   | t
                (1 row)

                 count\s
                -------
                     0
                (1 row)

                """);
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = 1007")).isEqualTo(cluster.only("sh2", "1", "0"));

        // within the client's transaction: it sees the transaction's rows, and its writes roll back with it
        ProcessResult inBlock = cluster.psql().script("""
                BEGIN;
                INSERT INTO orders (id, customer) VALUES (1008, 'tx');
                SELECT __spqr__remote_execute('sh2', 'SELECT count(*) FROM orders');
                SELECT __spqr__remote_execute('sh2', 'DELETE FROM orders WHERE id = 1007');
                ROLLBACK;
                """);
        assertThat(inBlock.exitCode()).as(inBlock.stderr()).isZero();
        assertThat(inBlock.stdout()).isEqualTo("BEGIN\nINSERT 0 1\n2\nDELETE 1\nROLLBACK\n");
        assertThat(cluster.on("sh2", "SELECT string_agg(id::text, ',') FROM orders")).isEqualTo("1007");

        // as under __spqr__execute_on, a new row is not put on a shard that does not own its key
        ProcessResult misplaced = cluster.psql().script(
                "SELECT __spqr__remote_execute('sh2', 'INSERT INTO orders (id, customer) VALUES (7, ''x'')');");
        assertThat(misplaced.exitCode()).isNotZero();
        assertThat(misplaced.stderr()).contains("belongs to shard \"sh1\"");
        assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = 7")).isEqualTo(cluster.everywhere("0"));
    }

    @Test
    void remoteExecuteRefusesConnectionStringsAndUnknownShards() throws SQLException {
        for (Protocol protocol : Protocol.values()) {
            try (Connection router = cluster.connect(protocol)) {
                assertThat(query(router, "SELECT __spqr__remote_execute('sh1', 'SELECT 40 + 2')")).as(protocol.name()).isEqualTo("42");
                SQLException dsn = error(router, "SELECT __spqr__remote_execute('host=localhost port=5432 user=x', 'SELECT 1')");
                assertThat(dsn.getSQLState()).as(protocol.name()).isEqualTo("0A000");
                assertThat(dsn.getMessage()).contains("connection string");
                SQLException unknown = error(router, "SELECT __spqr__remote_execute('sh9', 'SELECT 1')");
                assertThat(unknown.getSQLState()).isEqualTo("42704");
                assertThat(unknown.getMessage()).contains("\"sh9\"");
            }
        }
    }

    @Test
    void theNextTwoPhaseCommitPreparesUnderTheChosenName() throws SQLException {
        // a deferred trigger runs inside PREPARE TRANSACTION: it records the statement, and so the name
        cluster.onEveryShard("""
                CREATE TABLE IF NOT EXISTS prepared_as (statement text);
                TRUNCATE prepared_as;
                CREATE OR REPLACE FUNCTION record_prepare() RETURNS trigger LANGUAGE plpgsql AS
                  $$ BEGIN INSERT INTO prepared_as VALUES (current_query()); RETURN NULL; END $$;
                DROP TRIGGER IF EXISTS orders_prepared_as ON orders;
                CREATE CONSTRAINT TRIGGER orders_prepared_as AFTER INSERT ON orders DEFERRABLE INITIALLY DEFERRED
                  FOR EACH ROW EXECUTE FUNCTION record_prepare();
                """);
        try {
            ProcessResult run = cluster.psql().script("""
                    SET __spqr__commit_strategy TO 2pc;
                    SELECT __spqr__set_next_2pc_gid('zzz1');
                    BEGIN;
                    INSERT INTO orders (id, customer) VALUES (5, 'a');
                    INSERT INTO orders (id, customer) VALUES (1005, 'b');
                    COMMIT;
                    BEGIN;
                    INSERT INTO orders (id, customer) VALUES (6, 'a');
                    INSERT INTO orders (id, customer) VALUES (1006, 'b');
                    COMMIT;
                    """);
            assertThat(run.exitCode()).as(run.stderr()).isZero();
            for (String shard : cluster.shardNames()) {
                String[] statements = cluster.on(shard, "SELECT string_agg(statement, E'\\n' ORDER BY statement ~ 'zzz1' DESC) FROM prepared_as")
                        .split("\n");
                assertThat(statements).as(shard).hasSize(2);
                assertThat(statements[0]).as(shard).startsWith("PREPARE TRANSACTION 'sg_").endsWith("_zzz1'");
                assertThat(statements[1]).as(shard + ": the name is used once").startsWith("PREPARE TRANSACTION 'sg_")
                        .doesNotContain("zzz1");
            }
            assertThat(cluster.onEachShard("SELECT count(*) FROM orders")).isEqualTo(cluster.everywhere("2"));
        } finally {
            cluster.onEveryShard("DROP TRIGGER orders_prepared_as ON orders");
        }
        try (Connection router = cluster.connect(Protocol.EXTENDED)) {
            SQLException badName = error(router, "SELECT __spqr__set_next_2pc_gid('no spaces; please')");
            assertThat(badName.getSQLState()).isEqualTo("22023");
            assertThat(badName.getMessage()).contains("no spaces; please");
        }
    }

    @Test
    void replyNoticeNamesTheShardsOfExtendedProtocolStatementsToo() throws SQLException {
        for (Protocol protocol : Protocol.values()) {
            try (Connection router = cluster.connect(protocol)) {
                execute(router, "SET __spqr__reply_notice TO on");
                assertThat(noticesOf(router, "SELECT count(*) FROM orders WHERE id = ?", 1005L)).as(protocol.name())
                        .containsExactly("send query to shard(s) : sh2");
                assertThat(noticesOf(router, "SELECT count(*) FROM orders WHERE id = ?", 5L)).as(protocol.name())
                        .containsExactly("send query to shard(s) : sh1");
                assertThat(noticesOf(router, "SELECT count(*) FROM orders WHERE id IN (?, 1005)", 5L)).as(protocol.name())
                        .containsExactly("send query to shard(s) : sh1,sh2");
                router.setAutoCommit(false);
                assertThat(noticesOf(router, "SELECT count(*) FROM orders WHERE id = ?", 1006L)).as(protocol.name() + " in a transaction")
                        .containsExactly("send query to shard(s) : sh2");
                router.rollback();
                router.setAutoCommit(true);
                execute(router, "RESET __spqr__reply_notice");
                assertThat(noticesOf(router, "SELECT count(*) FROM orders WHERE id = ?", 5L)).as(protocol.name()).isEmpty();
            }
        }
    }

    /** The notices a statement's execution brought, its rows read through. */
    private static List<String> noticesOf(Connection router, String sql, long key) throws SQLException {
        List<String> notices = new ArrayList<>();
        try (PreparedStatement statement = router.prepareStatement(sql)) {
            statement.setLong(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    rows.getString(1);
                }
            }
            for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
                notices.add(w.getMessage());
            }
        }
        return notices;
    }
}
