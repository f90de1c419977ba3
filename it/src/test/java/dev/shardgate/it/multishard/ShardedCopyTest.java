package dev.shardgate.it.multishard;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import static dev.shardgate.it.multishard.ShardedCluster.column;
import static dev.shardgate.it.multishard.ShardedCluster.count;
import static dev.shardgate.it.multishard.ShardedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** COPY into and out of a distributed relation through the router: rows split by key, one total count. */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedCopyTest {
    private ShardedCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ShardedCluster.start(servers, "sharded_copy", PoolMode.SESSION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void tables() throws SQLException {
        cluster.dropTables();
        cluster.onEveryShard("CREATE TABLE orders (note text, id int, qty int)", "CREATE TABLE countries (code text, name text)");
    }

    private static CopyManager copy(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getCopyAPI();
    }

    @Test
    void csvWithHeaderQuotedNewlinesAndOptionsGoesToTheShardOfEachKey() throws Exception {
        String data = "note;id;qty\n\"two\nlines; and \"\"quotes\"\"\";5;1\nplain;1500;2\n;999;\n\"x\";1000;4\n";
        try (Connection router = cluster.connect(true)) {
            long copied = copy(router).copyIn("COPY orders FROM STDIN WITH (FORMAT csv, HEADER, DELIMITER ';', NULL '')",
                    new StringReader(data));
            assertThat(copied).isEqualTo(4);
            StringWriter out = new StringWriter();
            assertThat(copy(router).copyOut("COPY orders (id, qty) TO STDOUT WITH (FORMAT csv, HEADER)", out)).isEqualTo(4);
            assertThat(out.toString().lines().toList()).first().isEqualTo("id,qty");
            assertThat(out.toString().lines().skip(1).sorted().toList()).containsExactly("1000,4", "1500,2", "5,1", "999,");
        }
        assertThat(column(cluster.shard(0), "SELECT id || ':' || coalesce(qty, -1) || ':' || coalesce(note, 'null') FROM orders ORDER BY id"))
                .containsExactly("5:1:two\nlines; and \"quotes\"", "999:-1:null");
        assertThat(column(cluster.shard(1), "SELECT id FROM orders ORDER BY id")).containsExactly("1000", "1500");
    }

    @Test
    void aRowOneShardRefusesLeavesNoRowOnAnyShard() throws Exception {
        try (Connection router = cluster.connect(true)) {
            SQLException error = catchThrowableOfType(SQLException.class,
                    () -> copy(router).copyIn("COPY orders (id, qty) FROM STDIN", new StringReader("1\t1\n1001\tmany\n2\t2\n")));
            assertThat(error.getSQLState()).isEqualTo("22P02");
            assertThat(error.getMessage()).contains("shard \"sh2\": ");
            SQLException noKey = catchThrowableOfType(SQLException.class,
                    () -> copy(router).copyIn("COPY orders (qty, note) FROM STDIN", new StringReader("1\ta\n")));
            assertThat(noKey.getMessage()).contains("distribution key column \"id\"");
            assertThat(copy(router).copyIn("COPY orders (id) FROM STDIN", new StringReader("3\n"))).isEqualTo(1);
        }
        assertThat(column(cluster.shard(0), "SELECT id FROM orders")).containsExactly("3");
        assertThat(count(cluster.shard(1), "SELECT count(*) FROM orders")).isZero();
    }

    /**
     * A shard is opened at its first row: one that refuses the COPY itself then (here its table has
     * no such column) fails the whole COPY with its own error, named, and the shard that took rows
     * before it keeps none.
     */
    @Test
    void aShardThatRefusesTheCopyAtItsFirstRowFailsTheWholeCopy() throws Exception {
        ShardedCluster.execute(cluster.shard(1), "ALTER TABLE orders DROP COLUMN qty");
        try (Connection router = cluster.connect(true)) {
            SQLException refused = catchThrowableOfType(SQLException.class, () -> copy(router).copyIn(
                    "COPY orders (id, qty) FROM STDIN", new StringReader("1\t1\n2\t2\n1001\t3\n3\t3\n")));
            assertThat(refused.getSQLState()).isEqualTo("42703");
            assertThat(refused.getMessage()).contains("shard \"sh2\": ").contains("qty");
            assertThat(copy(router).copyIn("COPY orders (id, qty) FROM STDIN", new StringReader("4\t4\n"))).isEqualTo(1);
        }
        assertThat(column(cluster.shard(0), "SELECT id FROM orders")).containsExactly("4");
        assertThat(count(cluster.shard(1), "SELECT count(*) FROM orders")).isZero();
    }

    @Test
    void copyIntoAReferenceRelationFillsEveryCopy() throws Exception {
        try (Connection router = cluster.connect(true)) {
            assertThat(copy(router).copyIn("COPY countries FROM STDIN", new StringReader("fr\tFrance\nde\tGermany\n"))).isEqualTo(2);
        }
        for (int shard = 0; shard < 2; shard++) {
            assertThat(count(cluster.shard(shard), "SELECT count(*) FROM countries")).isEqualTo(2);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "simple protocol: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void copyInsideATransactionBlockCommitsOrRollsBackWithIt(boolean simple) throws Exception {
        try (Connection router = cluster.connect(simple)) {
            router.setAutoCommit(false);
            execute(router, "INSERT INTO orders (id, qty) VALUES (7, 7)");
            assertThat(copy(router).copyIn("COPY orders (id, qty) FROM STDIN", new StringReader("1\t1\n1001\t2\n"))).isEqualTo(2);
            StringWriter seen = new StringWriter();
            assertThat(copy(router).copyOut("COPY orders (id) TO STDOUT", seen)).as("the transaction's own rows").isEqualTo(3);
            assertThat(seen.toString().lines().sorted().toList()).containsExactly("1", "1001", "7");
            router.rollback();
            assertThat(count(cluster.shard(0), "SELECT count(*) FROM orders")).isZero();
            assertThat(count(cluster.shard(1), "SELECT count(*) FROM orders")).isZero();

            assertThat(copy(router).copyIn("COPY orders (id, qty) FROM STDIN", new StringReader("2\t1\n1002\t2\n"))).isEqualTo(2);
            execute(router, "UPDATE orders SET qty = 9 WHERE id = 1002");
            router.commit();
            assertThat(column(cluster.shard(0), "SELECT id || ':' || qty FROM orders")).containsExactly("2:1");
            assertThat(column(cluster.shard(1), "SELECT id || ':' || qty FROM orders")).containsExactly("1002:9");

            execute(router, "INSERT INTO orders (id, qty) VALUES (3, 3)");
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> copy(router).copyIn("COPY orders (id, qty) FROM STDIN", new StringReader("4\t1\n1004\tmany\n")));
            assertThat(refused.getSQLState()).isEqualTo("22P02");
            SQLException aborted = catchThrowableOfType(SQLException.class, () -> execute(router, "SELECT 1"));
            assertThat(aborted.getSQLState()).as("the whole transaction failed").isEqualTo("25P02");
            router.rollback();
        }
        assertThat(column(cluster.shard(0), "SELECT id FROM orders")).containsExactly("2");
        assertThat(column(cluster.shard(1), "SELECT id FROM orders")).containsExactly("1002");
    }

    /** A million generated rows, never all in memory: "note-i\ti\ti % 7\n" for i in [0, rows). */
    private static Reader generated(int rows) {
        return new Reader() {
            private int next;
            private String pending = "";
            private int offset;

            @Override
            public int read(char[] buffer, int at, int length) {
                int written = 0;
                while (written < length) {
                    if (offset == pending.length()) {
                        if (next == rows) {
                            return written == 0 ? -1 : written;
                        }
                        pending = "note-" + next + "\t" + next + "\t" + (next % 7) + "\n";
                        offset = 0;
                        next++;
                    }
                    int n = Math.min(length - written, pending.length() - offset);
                    pending.getChars(offset, offset + n, buffer, at + written);
                    offset += n;
                    written += n;
                }
                return written;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aMillionRowsStreamThroughARouterWithASmallHeap(PostgresServers servers) throws Exception {
        int rows = 1_000_000;
        // keys 0..999 on sh1, the rest on sh2; the router's 24 MB heap is less than the data (~25 MB)
        try (RouterProcess router = RouterProcess.start(servers, "sharded_copy", ShardedCluster.METADATA, "24m")) {
            Properties properties = new Properties();
            properties.setProperty("user", ShardedCluster.USER);
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + router.port + "/sharded_copy", properties)) {
                long copied = copy(connection).copyIn("COPY orders FROM STDIN", generated(rows));
                assertThat(copied).isEqualTo(rows);
            }
            assertThat(router.isAlive()).as("router survived; log:%n%s", router.logText()).isTrue();
            assertThat(router.logText()).doesNotContain("OutOfMemoryError");
        }
        assertThat(count(cluster.shard(0), "SELECT count(*) FROM orders WHERE id >= 0 AND id < 1000")).isEqualTo(1000);
        assertThat(count(cluster.shard(0), "SELECT count(*) FROM orders")).isEqualTo(1000);
        assertThat(count(cluster.shard(1), "SELECT count(*) FROM orders WHERE id >= 1000")).isEqualTo(rows - 1000);
        assertThat(count(cluster.shard(1), "SELECT count(*) FROM orders")).isEqualTo(rows - 1000);
    }
}
