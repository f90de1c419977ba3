package dev.shardgate.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.coordinator.config.CoordinatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RELOAD on the coordinator's console: a new console user may log in next; ports wait for a restart. */
class CoordinatorReloadTest {
    private static final String ADMIN = """
              - db: spqr-console
                usr: admin
                auth_rule:
                  auth_method: ok
            """;
    private static final String OPERATOR = """
              - db: spqr-console
                usr: operator
                auth_rule:
                  auth_method: clear_text
                  password: operator-secret
            """;

    private Coordinator coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private static String yaml(String extra, String rules) {
        return "host: 127.0.0.1\ncoordinator_port: 0\n" + extra + "frontend_rules:\n" + rules;
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + coordinator.consolePort() + "/spqr-console",
                properties);
    }

    private List<String> reload() throws SQLException {
        try (Connection connection = connect("admin", "unused"); ResultSet rows = connection.createStatement().executeQuery("RELOAD")) {
            List<String> seen = new ArrayList<>();
            while (rows.next()) {
                seen.add(rows.getString("key") + "|" + rows.getString("old_value") + "|" + rows.getString("new_value")
                        + "|" + rows.getString("status"));
            }
            return seen;
        }
    }

    @Test
    void aNewConsoleRuleAppliesToTheNextLoginAndPortsWaitForARestart(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("coordinator.yaml");
        Files.writeString(file, yaml("", ADMIN));
        coordinator = Coordinator.start(CoordinatorConfig.load(file), "test", file);
        assertThatThrownBy(() -> connect("operator", "operator-secret").close()).isInstanceOf(SQLException.class);

        Files.writeString(file, yaml("grpc_api_port: 17999\nlog_level: debug\n", ADMIN + OPERATOR));

        assertThat(reload()).containsExactly(
                "grpc_api_port|7003|17999|needs restart",
                "log_level|info|debug|applied",
                "frontend_rules[db=spqr-console,usr=operator]|(none)|auth_method=clear_text|applied");
        try (Connection operator = connect("operator", "operator-secret");
             ResultSet rows = operator.createStatement().executeQuery("SHOW shards")) {
            assertThat(rows.next()).isFalse();
        }
    }

    private List<String> query(String sql) throws SQLException {
        try (Connection connection = connect("admin", "unused"); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            List<String> seen = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(rows.getString(i));
                }
                seen.add(String.join("|", values.stream().map(String::valueOf).toList()));
            }
            return seen;
        }
    }

    /** The balancer is off until the file enables it; RELOAD starts it without a restart. */
    @Test
    void reloadTurnsTheBalancerOn(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("coordinator.yaml");
        Files.writeString(file, yaml("", ADMIN));
        coordinator = Coordinator.start(CoordinatorConfig.load(file), "test", file);
        try (Connection connection = connect("admin", "unused")) {
            connection.createStatement().execute("CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
        }
        assertThat(query("SHOW balancer")).containsExactly("ds1|off|balancer.enabled is false|null|null|null");

        Files.writeString(file, yaml("balancer:\n  enabled: true\n  interval: 1h\n", ADMIN));
        assertThat(reload()).containsExactly("balancer|enabled=false interval=60s threshold=10 by=rows max_moves=1"
                + "|enabled=true interval=3600s threshold=10 by=rows max_moves=1|applied");
        assertThat(query("SHOW balancer")).singleElement().satisfies(row ->
                assertThat(row).startsWith("ds1|pending|not looked at yet|null|null|").doesNotEndWith("|null"));
    }

    private List<String> fileSettings(String where) throws SQLException {
        try (Connection connection = connect("admin", "unused");
             ResultSet rows = connection.createStatement().executeQuery("SHOW file_settings " + where)) {
            List<String> seen = new ArrayList<>();
            while (rows.next()) {
                seen.add(rows.getString("name") + "|" + rows.getString("setting") + "|" + rows.getString("applied"));
            }
            return seen;
        }
    }

    /** SPQR's SHOW file_settings: the file's values, applied once RELOAD took them, never for a key that needs a restart. */
    @Test
    void fileSettingsSayWhichOfTheFilesValuesAreInForce(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("coordinator.yaml");
        Files.writeString(file, yaml("", ADMIN));
        coordinator = Coordinator.start(CoordinatorConfig.load(file), "test", file);
        assertThat(fileSettings("WHERE applied = 'false'")).isEmpty();
        assertThat(fileSettings("WHERE name = 'log_level'")).containsExactly("log_level|info|true");
        assertThat(fileSettings("WHERE name = 'data_move'")).containsExactly("data_move|********|true");

        Files.writeString(file, yaml("grpc_api_port: 17999\nlog_level: debug\n", ADMIN + OPERATOR));
        assertThat(fileSettings("WHERE applied = 'false'")).containsExactly("grpc_api_port|17999|false", "log_level|debug|false",
                "frontend_rules[db=spqr-console,usr=operator]|auth_method=clear_text|false");
        reload();
        assertThat(fileSettings("WHERE applied = 'false'")).containsExactly("grpc_api_port|17999|false");
    }

    @Test
    void anInvalidFileIsRefusedNamingTheKeyAndChangesNothing(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("coordinator.yaml");
        Files.writeString(file, yaml("", ADMIN));
        coordinator = Coordinator.start(CoordinatorConfig.load(file), "test", file);
        Files.writeString(file, yaml("log_level: loud\n", ADMIN + OPERATOR));

        assertThatThrownBy(this::reload).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("F0000"))
                .hasMessageContaining("log_level").hasMessageContaining("coordinator.yaml").hasMessageContaining("nothing was changed");
        assertThatThrownBy(() -> connect("operator", "operator-secret").close()).isInstanceOf(SQLException.class);
    }
}
