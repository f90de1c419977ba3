package dev.shardgate.console.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.qdb.MemoryQdb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pgjdbc against the console, in its default extended query mode and in simple mode. */
class ConsoleJdbcTest {
    private final MemoryQdb qdb = new MemoryQdb();
    private ConsoleServer server;

    @BeforeEach
    void start() throws Exception {
        server = ConsoleServer.start("127.0.0.1", 0, (user, database) -> Optional.of(ConsoleAccess.Rule.trust()),
                new ConsoleExecutor(qdb, new StatusFixture()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Connection connect(String queryMode) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "admin");
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", queryMode);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/console", properties);
    }

    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple", "extendedForPrepared"})
    void createThenShow(String queryMode) throws Exception {
        try (Connection connection = connect(queryMode); var statement = connection.createStatement()) {
            // As on SPQR, a metadata statement answers a one-column table.
            try (ResultSet answer = statement.executeQuery("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'")) {
                assertThat(answer.getMetaData().getColumnName(1)).isEqualTo("add shard");
                assertThat(answer.next()).isTrue();
                assertThat(answer.getString(1)).isEqualTo("shard id -> sh1");
                assertThat(answer.next()).isFalse();
            }
            assertThat(statement.execute("CREATE DISTRIBUTION ds COLUMN TYPES integer")).as("returns a result set").isTrue();
            statement.execute("CREATE KEY RANGE FROM 0 ROUTE TO sh1");
            statement.execute("CREATE KEY RANGE FROM 100 ROUTE TO sh1");

            try (ResultSet rows = statement.executeQuery("SHOW key_ranges WHERE shard_id = 'sh1'")) {
                var meta = rows.getMetaData();
                assertThat(meta.getColumnCount()).isEqualTo(5);
                assertThat(meta.getColumnName(1)).isEqualTo("key_range_id");
                assertThat(meta.getColumnTypeName(1)).isEqualTo("text");
                List<String> seen = new ArrayList<>();
                while (rows.next()) {
                    seen.add(rows.getString("key_range_id") + "@" + rows.getString("lower_bound") + "/" + rows.getBoolean("locked"));
                }
                assertThat(seen).containsExactly("kr1@0/false", "kr2@100/false");
            }
        }
        assertThat(qdb.snapshot().keyRanges().keySet()).containsExactly("kr1", "kr2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple"})
    void errorsCarryTheirSqlStateAndTheSessionGoesOn(String queryMode) throws Exception {
        try (Connection connection = connect(queryMode); var statement = connection.createStatement()) {
            SQLException e = catchThrowableOfType(SQLException.class, () -> statement.execute("DROP SHARD nope"));
            assertThat(e.getSQLState()).isEqualTo("42704");
            assertThat(e.getMessage()).contains("shard \"nope\" does not exist");

            SQLException syntax = catchThrowableOfType(SQLException.class, () -> statement.executeQuery("SHOW"));
            assertThat(syntax.getSQLState()).isEqualTo("42601");

            try (ResultSet rows = statement.executeQuery("SHOW version")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("Shardgate 0.1.0-test");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple"})
    void preparedStatementsRunRepeatedly(String queryMode) throws Exception {
        try (Connection connection = connect(queryMode);
             var show = connection.prepareStatement("SHOW clients WHERE user = 'app'")) {
            for (int i = 0; i < 7; i++) {
                try (ResultSet rows = show.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getString("client_id")).isEqualTo("c1");
                    assertThat(rows.getString("server_id")).isEqualTo("b1");
                    assertThat(rows.next()).isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple"})
    void nullsAreSqlNulls(String queryMode) throws Exception {
        try (Connection connection = connect(queryMode); var statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW clients WHERE client_id = 'c2'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("server_id")).isNull();
            assertThat(rows.wasNull()).isTrue();
        }
    }
}
