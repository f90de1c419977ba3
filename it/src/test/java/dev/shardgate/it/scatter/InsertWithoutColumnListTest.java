package dev.shardgate.it.scatter;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static dev.shardgate.it.scatter.ScatterCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code INSERT INTO t VALUES (…)} without a column list: each row lands on the shard of its key,
 * found at the key column's position in the relation (dropped columns do not count), in both
 * protocols, and still after columns are added or dropped through the router.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InsertWithoutColumnListTest {
    /** The key is the third column as created; the first is dropped, so it is the second a VALUES row fills. */
    static final String SCHEMA = """
            CREATE TABLE orders (gone int, note text, id int PRIMARY KEY, qty int);
            ALTER TABLE orders DROP COLUMN gone;
            """;

    private ScatterCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, "positional_insert", SCHEMA, PoolMode.TRANSACTION);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    private java.util.List<String> onShard(int shard) throws SQLException {
        return answer(cluster.shard(shard), "SELECT id, qty FROM orders ORDER BY id");
    }

    @Test
    void rowsGoToTheirKeysShardInBothProtocolsAndAfterDdlOrAreRefusedWithoutAKey() throws SQLException {
        try (Connection simple = cluster.connect(); Connection extended = cluster.connect("prepareThreshold", "-1")) {
            execute(simple, "INSERT INTO orders VALUES ('a', 5, 1), ('b', 1005, 2)");
            execute(simple, "INSERT INTO orders VALUES ('c', 1006, 3)");
            try (PreparedStatement insert = extended.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
                insert.setString(1, "d");
                insert.setInt(2, 1500);
                insert.setInt(3, 4);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                insert.setString(1, "e");
                insert.setInt(2, 6);
                insert.setInt(3, 5);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement insert = extended.prepareStatement("INSERT INTO orders VALUES (?, ?, 6), (?, ?, 7)")) {
                insert.setString(1, "f");
                insert.setInt(2, 7);
                insert.setString(3, "g");
                insert.setInt(4, 1007);
                assertThat(insert.executeUpdate()).isEqualTo(2);
            }
            refused(simple, "INSERT INTO orders VALUES ('h', DEFAULT, 1)");
            refused(simple, "INSERT INTO orders VALUES ('h')");
            assertThat(onShard(0)).containsExactly("id:int4|qty:int4", "5|1", "6|5", "7|6");
            assertThat(onShard(1)).containsExactly("id:int4|qty:int4", "1005|2", "1006|3", "1007|7", "1500|4");

            // the key moves to the first position, then a column is added after it
            execute(simple, "ALTER TABLE orders DROP COLUMN note");
            execute(simple, "INSERT INTO orders VALUES (8, 8), (1008, 9)");
            refused(simple, "INSERT INTO orders VALUES (DEFAULT, 1)");
            execute(simple, "ALTER TABLE orders ADD COLUMN extra text");
            try (PreparedStatement insert = extended.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
                insert.setInt(1, 1009);
                insert.setInt(2, 10);
                insert.setString(3, "x");
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(onShard(0)).containsExactly("id:int4|qty:int4", "5|1", "6|5", "7|6", "8|8");
            assertThat(onShard(1)).containsExactly("id:int4|qty:int4", "1005|2", "1006|3", "1007|7", "1008|9", "1009|10",
                    "1500|4");
        }
    }

    /** DEFAULT (or nothing) where the key goes: the shard would compute the key, so the router cannot place the row. */
    private static void refused(Connection connection, String sql) throws SQLException {
        SQLException error = catchThrowableOfType(SQLException.class, () -> execute(connection, sql));
        assertThat((Throwable) error).as(sql).isNotNull();
        assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo("0A000");
        assertThat(error.getMessage()).contains("\"id\"");
    }
}
