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

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

import static dev.shardgate.it.multishard.ShardedCluster.column;
import static dev.shardgate.it.multishard.ShardedCluster.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * COPY FROM routes each row by its key's value as PostgreSQL reads the field (escapes, CSV quoting,
 * FORCE_NULL, FORCE_NOT_NULL, the data's ENCODING), not by its raw text; the rows reach the shards
 * unchanged, and every COPY option PostgreSQL takes reaches them too.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShardedCopyFieldsTest {
    private ShardedCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ShardedCluster.start(servers, "sharded_copy_fields", PoolMode.SESSION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void tables() throws SQLException {
        cluster.onEveryShard("DROP TABLE IF EXISTS orders", "CREATE TABLE orders (note text, id int, qty int)");
    }

    private static CopyManager copy(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getCopyAPI();
    }

    private String rowsOn(int shard) throws SQLException {
        return String.join(" ", column(cluster.shard(shard),
                "SELECT coalesce(note, 'null') || ':' || id || ':' || coalesce(qty::text, 'null') FROM orders ORDER BY id"));
    }

    @Test
    void textEscapesInTheKeyAreReadBeforeRouting() throws Exception {
        // \065 is octal for '5' (so 1\0657 is 157, not 10657), \x31 hex for '1', \061 octal for '1'
        String data = "a\t1\\0657\t1\nb\t\\x31\\x30\\x30\\x31\t2\n\\N\t\\0619\t3\nd\\te\t2\\\\0\t4\n";
        try (Connection router = cluster.connect(true)) {
            SQLException wrongNumber = catchThrowableOfType(SQLException.class,
                    () -> copy(router).copyIn("COPY orders FROM STDIN", new StringReader(data)));
            // 2\\0 is the text "2\0": the shard refuses it as an integer, like PostgreSQL
            assertThat(wrongNumber.getSQLState()).isEqualTo("22P02");
            assertThat(copy(router).copyIn("COPY orders FROM STDIN", new StringReader(data.substring(0, data.indexOf("d\\t")))))
                    .isEqualTo(3);
        }
        assertThat(rowsOn(0)).isEqualTo("null:19:3 a:157:1");
        assertThat(rowsOn(1)).isEqualTo("b:1001:2");
    }

    @Test
    void aNullKeyIsRefusedAndNoRowIsWritten() throws Exception {
        try (Connection router = cluster.connect(true)) {
            SQLException error = catchThrowableOfType(SQLException.class,
                    () -> copy(router).copyIn("COPY orders FROM STDIN", new StringReader("a\t5\t1\nb\t\\N\t2\n")));
            assertThat(error.getSQLState()).isEqualTo("23502");
            assertThat(error.getMessage()).contains("null value in distribution key column \"id\"");
            SQLException forced = catchThrowableOfType(SQLException.class, () -> copy(router).copyIn(
                    "COPY orders FROM STDIN WITH (FORMAT csv, FORCE_NULL (id))", new StringReader("a,1005,1\nb,\"\",2\n")));
            assertThat(forced.getSQLState()).as("FORCE_NULL makes the quoted empty key NULL").isEqualTo("23502");
        }
        assertThat(count(cluster.shard(0), "SELECT count(*) FROM orders")).isZero();
        assertThat(count(cluster.shard(1), "SELECT count(*) FROM orders")).isZero();
    }

    @Test
    void forceNullForceNotNullAndForceQuoteReachTheShards() throws Exception {
        try (Connection router = cluster.connect(true)) {
            assertThat(copy(router).copyIn("COPY orders (note, id, qty) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (note),"
                    + " FORCE_NULL (qty))", new StringReader(",5,\"\"\n\"x\",\"1005\",7\n"))).isEqualTo(2);
            assertThat(copy(router).copyIn("COPY orders (note, id, qty) FROM STDIN CSV FORCE NOT NULL note",
                    new StringReader(",6,1\n"))).isEqualTo(1);
            StringWriter out = new StringWriter();
            assertThat(copy(router).copyOut("COPY orders (id, note) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)", out)).isEqualTo(3);
            assertThat(out.toString().lines().sorted().toList()).containsExactly("\"1005\",\"x\"", "\"5\",\"\"", "\"6\",\"\"");
        }
        assertThat(rowsOn(0)).isEqualTo(":5:null :6:1");
        assertThat(rowsOn(1)).isEqualTo("x:1005:7");
    }

    @Test
    void dataInTheEncodingTheCopyNamesIsStoredAsItsCharacters() throws Exception {
        byte[] latin1 = "caf\u00e9\t7\t1\n\u00fcber\t1007\t2\n".getBytes(StandardCharsets.ISO_8859_1);
        try (Connection router = cluster.connect(true)) {
            assertThat(copy(router).copyIn("COPY orders FROM STDIN WITH (ENCODING 'LATIN1')", new ByteArrayInputStream(latin1)))
                    .isEqualTo(2);
        }
        assertThat(rowsOn(0)).isEqualTo("caf\u00e9:7:1");
        assertThat(rowsOn(1)).isEqualTo("\u00fcber:1007:2");
    }
}
