package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.Sync;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static dev.shardgate.it.scatter.WireClient.int4;
import static dev.shardgate.it.scatter.WireClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multi-row INSERT with parameters whose rows go to different shards: each shard gets its rows with
 * only their parameters, renumbered, so the answer is PostgreSQL's whatever the client sends —
 * untyped parameters (node-postgres), one or per-parameter format codes, named or unnamed
 * statements, pgjdbc's thresholds and batches, in autocommit and inside BEGIN … COMMIT.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitInsertParametersTest {
    private static final String INSERT = "INSERT INTO orders (id, customer) VALUES ($1, $2), ($3, $4)";
    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "split_params",
                "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int)", PoolMode.TRANSACTION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders");
    }

    private List<String> rows(int shard) throws SQLException {
        return answer(cluster.shard(shard), "SELECT id, customer FROM orders ORDER BY id");
    }

    @Test
    void untypedParametersOfTheUnnamedStatement() throws IOException, SQLException {
        try (WireClient client = cluster.wire()) {
            assertThat(client.exchange(new Parse("", INSERT, new int[0]),
                    new Bind("", "", new short[0], new byte[][] {text(11), text("a"), text(1511), text("b")}, new short[0]),
                    new Execute("", 0), new Sync()))
                    .containsExactly("ParseComplete", "BindComplete", "CommandComplete INSERT 0 2", "ReadyForQuery I");
        }
        assertThat(rows(0)).containsExactly("id:int4|customer:text", "11|a");
        assertThat(rows(1)).containsExactly("id:int4|customer:text", "1511|b");
    }

    @Test
    void namedStatementWithFormatsPerParameterAndBinaryValues() throws IOException, SQLException {
        try (WireClient client = cluster.wire()) {
            assertThat(client.exchange(new Parse("ins", INSERT, new int[] {23, 25, 23, 25}), new Sync()))
                    .containsExactly("ParseComplete", "ReadyForQuery I");
            for (int round = 0; round < 2; round++) {
                assertThat(client.exchange(
                        new Bind("", "ins", new short[] {1, 0, 1, 0},
                                new byte[][] {int4(1511 + round), text("b"), int4(11 + round), text("a")}, new short[0]),
                        new Execute("", 0), new Sync()))
                        .containsExactly("BindComplete", "CommandComplete INSERT 0 2", "ReadyForQuery I");
            }
            // one format code for every parameter, and the values' order across shards reversed
            assertThat(client.exchange(
                    new Bind("", "ins", new short[] {0}, new byte[][] {text(20), text("c"), text(2000), text("d")}, new short[0]),
                    new Execute("", 0), new Sync()))
                    .containsExactly("BindComplete", "CommandComplete INSERT 0 2", "ReadyForQuery I");
        }
        assertThat(rows(0)).containsExactly("id:int4|customer:text", "11|a", "12|a", "20|c");
        assertThat(rows(1)).containsExactly("id:int4|customer:text", "1511|b", "1512|b", "2000|d");
    }

    @Test
    void untypedParametersInsideATransactionBlockCommitAndRollBack() throws IOException, SQLException {
        try (WireClient client = cluster.wire()) {
            assertThat(client.exchange(new Query("BEGIN"))).containsExactly("CommandComplete BEGIN", "ReadyForQuery T");
            assertThat(client.exchange(new Parse("", INSERT + " RETURNING id", new int[0]),
                    new Bind("", "", new short[0], new byte[][] {text(1600), text("b"), text(30), text("a")}, new short[0]),
                    new Execute("", 0), new Sync()))
                    .containsExactly("ParseComplete", "BindComplete", "DataRow 30", "DataRow 1600",
                            "CommandComplete INSERT 0 2", "ReadyForQuery T");
            assertThat(client.exchange(new Query("COMMIT"))).containsExactly("CommandComplete COMMIT", "ReadyForQuery I");
            assertThat(client.exchange(new Query("BEGIN"))).containsExactly("CommandComplete BEGIN", "ReadyForQuery T");
            assertThat(client.exchange(new Parse("", INSERT, new int[0]),
                    new Bind("", "", new short[0], new byte[][] {text(31), text("x"), text(1601), text("y")}, new short[0]),
                    new Execute("", 0), new Sync()))
                    .containsExactly("ParseComplete", "BindComplete", "CommandComplete INSERT 0 2", "ReadyForQuery T");
            assertThat(client.exchange(new Query("ROLLBACK"))).containsExactly("CommandComplete ROLLBACK", "ReadyForQuery I");
        }
        assertThat(rows(0)).containsExactly("id:int4|customer:text", "30|a");
        assertThat(rows(1)).containsExactly("id:int4|customer:text", "1600|b");
    }

    @Test
    void pgjdbcAtEveryPrepareThresholdAndInBatches() throws SQLException {
        int key = 100;
        for (String threshold : new String[] {"0", "5", "-1"}) {
            for (boolean autocommit : new boolean[] {true, false}) {
                try (Connection router = cluster.connect("prepareThreshold", threshold)) {
                    router.setAutoCommit(autocommit);
                    try (PreparedStatement insert = router.prepareStatement("INSERT INTO orders (id, customer) VALUES (?, ?), (?, ?)")) {
                        for (int i = 0; i < 6; i++, key++) {
                            insert.setInt(1, key);
                            insert.setString(2, "t" + threshold);
                            insert.setInt(3, key + 1000);
                            insert.setString(4, "t" + threshold);
                            if (i < 3) {
                                assertThat(insert.executeUpdate()).isEqualTo(2);
                            } else {
                                insert.addBatch();
                            }
                        }
                        assertThat(insert.executeBatch()).containsExactly(2, 2, 2);
                    }
                    if (!autocommit) {
                        router.commit();
                    }
                }
            }
        }
        assertThat(answer(cluster.shard(0), "SELECT count(*) FROM orders WHERE id < 1000")).containsExactly("count:int8", "36");
        assertThat(answer(cluster.shard(1), "SELECT count(*), min(id), max(id) FROM orders"))
                .containsExactly("count:int8|min:int4|max:int4", "36|1100|1135");
    }
}
