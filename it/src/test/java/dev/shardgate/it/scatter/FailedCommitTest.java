package dev.shardgate.it.scatter;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.Sync;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static dev.shardgate.it.scatter.ScatterCluster.answer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * COMMIT of a transaction that failed after writing on both shards: PostgreSQL answers it without
 * error, with the tag ROLLBACK and ReadyForQuery I; the router answers the same over the extended
 * protocol as over the simple one, so pgjdbc's commit() behaves as against one server.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailedCommitTest {
    private static final String DATABASE = "failed_commit";
    private ScatterCluster cluster;
    private LocalPostgres referenceServer;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = ScatterCluster.start(servers, DATABASE, "CREATE TABLE orders (id int PRIMARY KEY, customer text, qty int)",
                PoolMode.TRANSACTION);
        referenceServer = servers.get(0);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void rows() throws SQLException {
        cluster.onShardsAndReference("TRUNCATE orders");
    }

    /** BEGIN, a write on each shard, a savepoint, then a duplicate key: the transaction fails (23505). */
    private static List<String> failTransaction(WireClient client) throws IOException {
        List<String> answers = new ArrayList<>();
        answers.addAll(client.exchange(new Query("BEGIN")));
        answers.addAll(client.exchange(new Query("INSERT INTO orders (id, customer, qty) VALUES (1, 'a', 1)")));
        answers.addAll(client.exchange(new Query("INSERT INTO orders (id, customer, qty) VALUES (1001, 'b', 1)")));
        answers.addAll(client.exchange(new Query("SAVEPOINT s1")));
        for (String answer : client.exchange(new Query("INSERT INTO orders (id, customer, qty) VALUES (1001, 'c', 1)"))) {
            answers.add(answer.startsWith("ErrorResponse") ? answer.substring(0, "ErrorResponse 23505".length()) : answer);
        }
        return answers;
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "commit_stmt"})
    void commitOverParseBindExecuteSyncIsTheServersAnswer(String statementName) throws IOException, SQLException {
        List<List<String>> sides = new ArrayList<>();
        try (WireClient router = cluster.wire();
             WireClient server = WireClient.connect(referenceServer.host(), referenceServer.port(), ScatterCluster.USER, DATABASE + "_ref")) {
            for (WireClient client : List.of(router, server)) {
                List<String> answers = failTransaction(client);
                answers.addAll(client.exchange(new Parse(statementName, "COMMIT", new int[0]),
                        new Bind("", statementName, new short[0], new byte[0][], new short[0]),
                        Describe.portal(""), new Execute("", 0), new Sync()));
                answers.addAll(client.exchange(new Query("SELECT count(*) FROM orders")));
                sides.add(answers);
            }
        }
        assertThat(sides.get(1)).as("PostgreSQL's own answers").containsSubsequence(
                "ParseComplete", "BindComplete", "NoData", "CommandComplete ROLLBACK", "ReadyForQuery I", "DataRow 0");
        assertThat(sides.get(0)).isEqualTo(sides.get(1));
        assertThat(answer(cluster.shard(0), "SELECT count(*) FROM orders")).containsExactly("count:int8", "0");
        assertThat(answer(cluster.shard(1), "SELECT count(*) FROM orders")).containsExactly("count:int8", "0");
    }

    /** What pgjdbc's commit() does after a failed statement, as the text the test compares. */
    private static String commitAfterFailure(Connection connection, int firstKey) throws SQLException {
        List<String> seen = new ArrayList<>();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO orders (id, customer, qty) VALUES (" + firstKey + ", 'a', 1)");
            statement.executeUpdate("INSERT INTO orders (id, customer, qty) VALUES (" + (firstKey + 1000) + ", 'b', 1)");
            try {
                statement.executeUpdate("INSERT INTO orders (id, customer, qty) VALUES (" + firstKey + ", 'c', 1)");
                seen.add("insert ran");
            } catch (SQLException e) {
                seen.add("insert " + e.getSQLState());
            }
        }
        try {
            connection.commit();
            seen.add("commit ran");
        } catch (SQLException e) {
            seen.add("commit " + e.getSQLState());
        }
        connection.setAutoCommit(true);
        seen.add("then " + answer(connection, "SELECT count(*) FROM orders WHERE id IN (" + firstKey + ", " + (firstKey + 1000) + ")"));
        return String.join("; ", seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended", "extendedCacheEverything", "raiseExceptionOnSilentRollback"})
    void pgjdbcCommitAfterAFailedStatementActsAsAgainstOneServer(String mode) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ScatterCluster.USER);
        properties.setProperty("socketTimeout", "10");
        switch (mode) {
            case "raiseExceptionOnSilentRollback" -> properties.setProperty("raiseExceptionOnSilentRollback", "true");
            default -> properties.setProperty("preferQueryMode", mode);
        }
        String viaRouter;
        String onServer;
        try (Connection router = DriverManager.getConnection(
                "jdbc:postgresql://" + ScatterCluster.HOST + ":" + cluster.routerPort() + "/" + DATABASE, properties);
             Connection server = DriverManager.getConnection(referenceServer.jdbcUrl(DATABASE + "_ref"), properties)) {
            viaRouter = commitAfterFailure(router, 7);
            onServer = commitAfterFailure(server, 7);
        }
        assertThat(onServer).startsWith("insert 23505; commit");
        assertThat(viaRouter).isEqualTo(onServer);
        assertThat(answer(cluster.shard(0), "SELECT count(*) FROM orders")).containsExactly("count:int8", "0");
        assertThat(answer(cluster.shard(1), "SELECT count(*) FROM orders")).containsExactly("count:int8", "0");
    }
}
