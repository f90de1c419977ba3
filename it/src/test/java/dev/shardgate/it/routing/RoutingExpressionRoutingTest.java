package dev.shardgate.it.routing;

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.RoutingExpression;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;

/**
 * A relation keyed by SPQR's routing expression MURMUR [id1 INT HASH, id2 VARCHAR HASH] over two
 * real shards: rows written through the router by INSERT (simple and extended protocol, one row and
 * several, with and without a column list) and by COPY land on the shard whose key range holds the hash of both columns, as the
 * shards' own contents show; a statement naming both columns runs on that one shard; one naming
 * only one of them has no key.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingExpressionRoutingTest {
    private static final RoutingExpression KEY = new RoutingExpression(HashFunction.MURMUR, List.of(
            new RoutingExpression.TypedColumn("id1", ColumnType.INTEGER_HASH),
            new RoutingExpression.TypedColumn("id2", ColumnType.VARCHAR_HASH)));

    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_expression")
                .schema("""
                        DROP TABLE IF EXISTS tr;
                        CREATE TABLE tr (id1 int NOT NULL, id2 text NOT NULL, val text);
                        """)
                .initSql("routing_expression.sql")
                .start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        cluster.onEveryShard("TRUNCATE tr");
    }

    /** The shard whose range holds the row's key: the lower half of the hash space is sh1's. */
    private static String shardOf(int id1, String id2) {
        return KEY.keyOf(List.of(id1, id2)).value() < (1L << 31) ? "sh1" : "sh2";
    }

    @Test
    void everyRowLandsOnTheShardOfItsHash() throws SQLException, IOException {
        List<String> written = new ArrayList<>();
        try (Connection simple = cluster.connect(Protocol.SIMPLE); Connection extended = cluster.connect(Protocol.EXTENDED)) {
            for (int i = 0; i < 10; i++) {
                execute(simple, "INSERT INTO tr (id1, id2, val) VALUES (" + i + ", 'name-" + i + "', 'simple')");
                written.add(i + "|name-" + i);
            }
            for (int i = 10; i < 20; i++) {
                assertThat(update(extended, "INSERT INTO tr (val, id2, id1) VALUES ('extended', ?, ?)", "name-" + i, i))
                        .isEqualTo(1);
                written.add(i + "|name-" + i);
            }
            // one statement with rows for both shards is split by shard
            StringBuilder values = new StringBuilder();
            for (int i = 20; i < 30; i++) {
                values.append(i == 20 ? "" : ", ").append("(").append(i).append(", 'name-").append(i).append("', 'multi')");
                written.add(i + "|name-" + i);
            }
            execute(simple, "INSERT INTO tr (id1, id2, val) VALUES " + values);

            StringBuilder copied = new StringBuilder();
            for (int i = 30; i < 60; i++) {
                copied.append("copy\t").append(i).append("\tname-").append(i).append('\n');
                written.add(i + "|name-" + i);
            }
            long count = simple.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY tr (val, id1, id2) FROM STDIN", new StringReader(copied.toString()));
            assertThat(count).isEqualTo(30);

            // without column lists: the router reads the table's column order from a shard
            for (int i = 60; i < 65; i++) {
                execute(simple, "INSERT INTO tr VALUES (" + i + ", 'name-" + i + "', 'positional')");
                written.add(i + "|name-" + i);
            }
            StringBuilder positional = new StringBuilder();
            for (int i = 65; i < 75; i++) {
                positional.append(i).append("\tname-").append(i).append("\tcopy\n");
                written.add(i + "|name-" + i);
            }
            assertThat(simple.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY tr FROM STDIN", new StringReader(positional.toString()))).isEqualTo(10);
        }

        Map<String, String> onShards = cluster.onEachShard("SELECT string_agg(id1 || '|' || id2, E'\\n' ORDER BY id1) FROM tr");
        List<String> stored = new ArrayList<>();
        TreeSet<String> shardsUsed = new TreeSet<>();
        for (var shard : onShards.entrySet()) {
            for (String row : shard.getValue().lines().toList()) {
                String[] columns = row.split("\\|");
                assertThat(shard.getKey()).as("shard of row " + row).isEqualTo(shardOf(Integer.parseInt(columns[0]), columns[1]));
                stored.add(row);
                shardsUsed.add(shard.getKey());
            }
        }
        assertThat(stored).containsExactlyInAnyOrderElementsOf(written);
        assertThat(shardsUsed).containsExactly("sh1", "sh2");
    }

    /** SPQR's regression test expression_routing puts (0, 'aba') in the first quarter of the hash space, (1, 'ziziziz') in the third. */
    @Test
    void spqrsRowsLandWhereSpqrPutsThem() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            execute(router, "INSERT INTO tr (id1, id2, val) VALUES (0, 'aba', 'asas')");
            execute(router, "INSERT INTO tr (id1, id2, val) VALUES (1, 'ziziziz', 'assaas')");
        }
        assertThat(cluster.onEachShard("SELECT string_agg(id1 || '|' || id2, ',') FROM tr"))
                .isEqualTo(Map.of("sh1", "0|aba", "sh2", "1|ziziziz"));
    }

    @Test
    void aStatementNamingBothColumnsRunsOnTheirShard() throws SQLException {
        try (Connection router = cluster.connect(Protocol.EXTENDED)) {
            for (int i = 0; i < 8; i++) {
                update(router, "INSERT INTO tr (id1, id2, val) VALUES (?, ?, 'v')", i, "name-" + i);
                String shard = shardOf(i, "name-" + i);
                assertThat(query(router, "EXPLAIN ROUTE SELECT * FROM tr WHERE id1 = " + i + " AND id2 = 'name-" + i + "'"))
                        .startsWith(shard + "|");
                assertThat(query(router, "SELECT val, inet_server_port() FROM tr WHERE id2 = ? AND id1 = ?", "name-" + i, i))
                        .isEqualTo("v|" + cluster.serverPort(shard));
                assertThat(update(router, "UPDATE tr SET val = 'w' WHERE id1 = ? AND id2 = ?", i, "name-" + i)).isEqualTo(1);
                assertThat(update(router, "DELETE FROM tr WHERE id1 = ? AND id2 = ?", i, "name-" + i)).isEqualTo(1);
            }
        }
        assertThat(cluster.onEachShard("SELECT count(*) FROM tr")).isEqualTo(cluster.everywhere("0"));
    }

    @Test
    void oneColumnAloneIsNoKeyAndTheKeyCannotChange() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            execute(router, "INSERT INTO tr (id1, id2, val) VALUES (1, 'a', 'v')");
            assertThat(query(router, "EXPLAIN ROUTE SELECT * FROM tr WHERE id1 = 1")).startsWith("(refused)|");
            SQLException noKey = error(router, "SELECT * FROM tr WHERE id1 = 1");
            assertThat(noKey.getSQLState()).isEqualTo("0A000");
            assertThat(noKey.getMessage()).contains("no sharding key found for relation").contains("id1, id2");

            SQLException missing = error(router, "INSERT INTO tr (id1, val) VALUES (2, 'v')");
            assertThat(missing.getSQLState()).isEqualTo("0A000");
            assertThat(missing.getMessage()).contains("distribution key column \"id2\"");

            SQLException moved = error(router, "UPDATE tr SET id2 = 'b' WHERE id1 = 1 AND id2 = 'a'");
            assertThat(moved.getSQLState()).isEqualTo("0A000");
            assertThat(moved.getMessage()).contains("updating the distribution key column \"id2\"");

            SQLException copyWithout = error(router, "COPY tr (id1, val) FROM STDIN");
            assertThat(copyWithout.getSQLState()).isEqualTo("0A000");
            assertThat(copyWithout.getMessage()).contains("must include its distribution key column \"id2\"");
        }
        assertThat(cluster.onEachShard("SELECT count(*) FROM tr").values()).containsExactlyInAnyOrder("1", "0");
    }

    @Test
    void showRelationsWritesTheExpression() throws SQLException {
        try (Connection console = cluster.console()) {
            assertThat(RoutedShards.text(console, "SHOW relations"))
                    .isEqualTo("tr|pairs|murmur [id1 integer hash, id2 varchar hash]|public");
        }
    }
}
