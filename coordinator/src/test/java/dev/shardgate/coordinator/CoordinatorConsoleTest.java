package dev.shardgate.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.coordinator.config.CoordinatorConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pgjdbc against the console of a coordinator with in-memory metadata. */
class CoordinatorConsoleTest {
    private Coordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        CoordinatorConfig config = CoordinatorConfig.parse("""
                host: 127.0.0.1
                coordinator_port: 0
                frontend_rules:
                  - db: spqr-console
                    usr: spqr-console
                    auth_rule:
                      auth_method: ok
                """, "test.yaml");
        coordinator = Coordinator.start(config, "test");
    }

    @AfterEach
    void stop() {
        coordinator.close();
    }

    private Connection connect(String queryMode) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", "spqr-console");
        properties.setProperty("password", "a-guess"); // trusted users never send it; others are asked for one
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", queryMode);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + coordinator.consolePort() + "/spqr-console", properties);
    }

    private static List<String> rows(ResultSet rows, String... columns) throws SQLException {
        List<String> seen = new ArrayList<>();
        while (rows.next()) {
            List<String> values = new ArrayList<>();
            for (String column : columns) {
                values.add(rows.getString(column));
            }
            seen.add(String.join("|", values));
        }
        return seen;
    }

    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple"})
    void metadataStatementsGoToTheQdb(String queryMode) throws Exception {
        try (Connection connection = connect(queryMode); var statement = connection.createStatement()) {
            statement.execute("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'");
            statement.execute("CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            statement.execute("CREATE KEY RANGE krid1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
            try (ResultSet rows = statement.executeQuery("SHOW key_ranges")) {
                assertThat(rows(rows, "key_range_id", "shard_id", "lower_bound")).containsExactly("krid1|sh1|0");
            }
        }
        assertThat(coordinator.qdb().snapshot().keyRanges().keySet()).containsExactly("krid1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"extended", "simple"})
    void registersListsAndUnregistersRouters(String queryMode) throws Exception {
        try (Connection connection = connect(queryMode); var statement = connection.createStatement()) {
            statement.execute("REGISTER ROUTER r2 ADDRESS '[localhost]:7011'");
            try (ResultSet answer = statement.executeQuery("REGISTER ROUTER r1 ADDRESS '[localhost]:7010'")) {
                assertThat(rows(answer, "register router")).as("SPQR's answer").containsExactly("router -> r1-[localhost]:7010");
            }
            try (ResultSet rows = statement.executeQuery("SHOW routers")) {
                assertThat(rows.getMetaData().getColumnName(1)).isEqualTo("router_id");
                // Nothing listens on those ports: the coordinator is still trying, or knows they are down.
                assertThat(rows(rows, "router_id", "address", "status"))
                        .hasSize(2)
                        .allMatch(row -> row.matches("r[12]\\|\\[localhost]:701[01]\\|(connecting|down \\(.*\\))"));
            }
            assertThat(coordinator.qdb().get("routers/r1")).hasValueSatisfying(
                    value -> assertThat(new String(value)).isEqualTo("[localhost]:7010"));

            SQLException duplicate = catchThrowableOfType(SQLException.class,
                    () -> statement.execute("REGISTER ROUTER r1 ADDRESS '[other]:1'"));
            assertThat(duplicate.getSQLState()).isEqualTo("42710");

            SQLException badAddress = catchThrowableOfType(SQLException.class,
                    () -> statement.execute("REGISTER ROUTER r4 ADDRESS 'localhost'"));
            assertThat(badAddress.getSQLState()).isEqualTo("22023");
            assertThat(badAddress.getMessage()).contains("r4", "host:port");

            try (ResultSet answer = statement.executeQuery("UNREGISTER ROUTER r1")) {
                assertThat(rows(answer, "unregister router")).containsExactly("router id -> r1");
            }
            try (ResultSet rows = statement.executeQuery("SHOW routers")) {
                assertThat(rows(rows, "router_id")).containsExactly("r2");
            }
            try (ResultSet rows = statement.executeQuery("SHOW routers (router_id) WHERE router_id <> 'r9' ORDER BY router_id DESC")) {
                assertThat(rows(rows, "router_id")).containsExactly("r2");
            }
            SQLException missing = catchThrowableOfType(SQLException.class,
                    () -> statement.execute("UNREGISTER ROUTER r1"));
            assertThat(missing.getSQLState()).isEqualTo("42704");

            statement.execute("REGISTER ROUTER r3 ADDRESS '[localhost]:7012'");
            statement.execute("UNREGISTER ROUTER ALL");
            try (ResultSet rows = statement.executeQuery("SHOW routers")) {
                assertThat(rows.next()).isFalse();
            }
        }
        assertThat(coordinator.routers()).isEmpty();
    }

    @Test
    void withoutFrontendRulesNobodyGetsIn() throws Exception {
        coordinator.close();
        coordinator = Coordinator.start(CoordinatorConfig.parse("host: 127.0.0.1\ncoordinator_port: 0\n", "test.yaml"), "test");
        SQLException refused = catchThrowableOfType(SQLException.class, () -> connect("simple").close());
        // as PostgreSQL's mock authentication: an unknown user looks like a wrong password
        assertThat(refused.getSQLState()).isEqualTo("28P01");
    }

    @Test
    void frontendRulesRefuseOtherUsers() throws Exception {
        coordinator.close();
        coordinator = Coordinator.start(CoordinatorConfig.parse("""
                host: 127.0.0.1
                coordinator_port: 0
                frontend_rules:
                  - db: spqr-console
                    usr: admin
                    auth_rule:
                      auth_method: clear_text
                      password: secret
                """, "test.yaml"), "test");
        SQLException refused = catchThrowableOfType(SQLException.class, () -> connect("simple").close());
        assertThat(refused.getSQLState()).isEqualTo("28P01");

        Properties properties = new Properties();
        properties.setProperty("user", "admin");
        properties.setProperty("password", "secret");
        properties.setProperty("sslmode", "disable");
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + coordinator.consolePort() + "/spqr-console", properties);
             var statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW routers")) {
            assertThat(rows.next()).isFalse();
        }
    }
}
