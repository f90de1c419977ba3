package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.Sync;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Execute with a row limit on a multi-shard SELECT (pgjdbc's setFetchSize inside a transaction):
 * the client gets that many rows and PortalSuspended, and each later Execute of the portal the next
 * rows, exactly what PostgreSQL answers over the same rows in one database.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FetchSizeTest {
    private static final List<String> QUERIES = List.of(
            "SELECT id, customer, qty FROM orders ORDER BY id",
            "SELECT id, qty FROM orders ORDER BY qty DESC, id LIMIT 17 OFFSET 2",
            "SELECT customer, count(*), sum(qty), min(id), max(id) FROM orders GROUP BY customer ORDER BY customer",
            "SELECT DISTINCT customer FROM orders ORDER BY customer",
            "SELECT count(*) FROM orders");

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "fetch_size",
                "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int)", PoolMode.TRANSACTION);
        for (int id = 1; id <= 40; id++) {
            int key = id % 2 == 0 ? id : 1000 + id;
            cluster.insertDirectly(key, "INSERT INTO orders VALUES (" + key + ", 'c" + (id % 7) + "', " + (id * 37 % 11) + ")");
        }
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    /** Every row, fetched {@code fetchSize} at a time inside a transaction. */
    private static List<String> fetched(Connection connection, String sql, int fetchSize) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(fetchSize);
            try (ResultSet rows = statement.executeQuery(sql)) {
                return lines(rows);
            }
        }
    }

    private static List<String> lines(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> lines = new ArrayList<>();
        while (rows.next()) {
            StringBuilder line = new StringBuilder();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                line.append(c > 1 ? "|" : "").append(meta.getColumnTypeName(c)).append(':').append(rows.getString(c));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    @Test
    void pgjdbcFetchSizeInATransactionGetsEveryRowInPieces() throws SQLException {
        for (String threshold : new String[] {"0", "1"}) {
            try (Connection router = cluster.connect("prepareThreshold", threshold)) {
                router.setAutoCommit(false);
                cluster.reference().setAutoCommit(false);
                for (String sql : QUERIES) {
                    for (int fetchSize : new int[] {1, 3, 5, 40}) {
                        assertThat(fetched(router, sql, fetchSize)).as("%s fetch %d", sql, fetchSize)
                                .isEqualTo(fetched(cluster.reference(), sql, fetchSize));
                    }
                }
                router.commit();
                cluster.reference().commit();
                cluster.reference().setAutoCommit(true);
            }
        }
    }

    @Test
    void otherStatementsMayRunBetweenFetchesOfAnOpenPortal() throws SQLException {
        try (Connection router = cluster.connect("prepareThreshold", "0")) {
            router.setAutoCommit(false);
            try (Statement first = router.createStatement(); Statement other = router.createStatement()) {
                first.setFetchSize(4);
                List<String> lines = new ArrayList<>();
                try (ResultSet rows = first.executeQuery("SELECT id FROM orders ORDER BY id")) {
                    for (int i = 0; rows.next(); i++) {
                        lines.add(rows.getString(1));
                        if (i % 5 == 0) {
                            try (ResultSet count = other.executeQuery("SELECT count(*) FROM orders WHERE id = " + (i + 2))) {
                                assertThat(count.next()).isTrue();
                            }
                        }
                    }
                }
                assertThat(lines).hasSize(40);
                assertThat(lines.getFirst()).isEqualTo("2");
                assertThat(lines.getLast()).isEqualTo("1039");
            }
            router.commit();
        }
    }

    @Test
    void theProtocolAnswersAsPostgresDoes() throws IOException {
        String sql = "SELECT id FROM orders WHERE id IN (2, 4, 1001, 1003, 1005) ORDER BY id";
        try (WireClient client = cluster.wire()) {
            assertThat(client.exchange(new Query("BEGIN"))).containsExactly("CommandComplete BEGIN", "ReadyForQuery T");
            assertThat(client.exchange(new Parse("", sql, new int[0]),
                    new Bind("p", "", new short[0], new byte[0][], new short[0]), new Execute("p", 2),
                    new Execute("p", 2), new Sync()))
                    .containsExactly("ParseComplete", "BindComplete", "DataRow 2", "DataRow 4", "PortalSuspended",
                            "DataRow 1001", "DataRow 1003", "PortalSuspended", "ReadyForQuery T");
            // the last row, then (exactly at the limit) a suspension, then completion with none
            assertThat(client.exchange(new Execute("p", 1), new Sync()))
                    .containsExactly("DataRow 1005", "PortalSuspended", "ReadyForQuery T");
            assertThat(client.exchange(new Execute("p", 1), new Sync()))
                    .containsExactly("CommandComplete SELECT 0", "ReadyForQuery T");
            // Close ends a portal before its last row
            assertThat(client.exchange(new Bind("r", "", new short[0], new byte[0][], new short[0]), new Execute("r", 3),
                    new Close(Close.PORTAL, "r"), new Sync()))
                    .containsExactly("BindComplete", "DataRow 2", "DataRow 4", "DataRow 1001", "PortalSuspended",
                            "CloseComplete", "ReadyForQuery T");
            assertThat(client.exchange(new Execute("r", 3), new Sync()).getFirst()).startsWith("ErrorResponse 34000");
            assertThat(client.exchange(new Query("COMMIT"))).containsExactly("CommandComplete ROLLBACK", "ReadyForQuery I");

            // outside a transaction block the portal ends at Sync
            assertThat(client.exchange(new Parse("", sql, new int[0]),
                    new Bind("q", "", new short[0], new byte[0][], new short[0]), new Execute("q", 4), new Sync()))
                    .containsExactly("ParseComplete", "BindComplete", "DataRow 2", "DataRow 4", "DataRow 1001",
                            "DataRow 1003", "PortalSuspended", "ReadyForQuery I");
            List<String> gone = client.exchange(new Execute("q", 4), new Sync());
            assertThat(gone.getFirst()).startsWith("ErrorResponse 34000");
        }
    }
}
