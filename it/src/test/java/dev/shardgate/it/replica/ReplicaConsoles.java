package dev.shardgate.it.replica;

import dev.shardgate.cli.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Connections of the replica tests, logged in as the superuser (pg_promote needs one): to a
 * router's or coordinator's console, and straight to a server.
 */
final class ReplicaConsoles {
    static final String USER = LocalPostgres.SUPERUSER;
    static final String DATABASE = "postgres";

    private ReplicaConsoles() {
    }

    /** A console connection in simple query mode, as psql talks; FAILOVER may take a while. */
    static Connection console(int port) throws SQLException {
        return connect("jdbc:postgresql://" + LocalPostgres.HOST + ":" + port + "/shardgate_console",
                "sslmode", "disable", "preferQueryMode", "simple", "socketTimeout", "120");
    }

    /**
     * A client of a router, on the database and as the user every replica test's router admits; it
     * waits for an answer up to a minute, as long as a router may hold a shard's transactions.
     */
    static Connection client(int routerPort) throws SQLException {
        return connect("jdbc:postgresql://" + LocalPostgres.HOST + ":" + routerPort + "/" + DATABASE,
                "sslmode", "disable", "connectTimeout", "5", "socketTimeout", "60");
    }

    static Connection direct(LocalPostgres server) throws SQLException {
        return connect(server.jdbcUrl(DATABASE), "connectTimeout", "5", "socketTimeout", "30");
    }

    /** Logs in as {@link #USER} with these pgjdbc properties, given as name, value, name, value… */
    private static Connection connect(String url, String... properties) throws SQLException {
        Properties login = new Properties();
        login.setProperty("user", USER);
        for (int i = 0; i < properties.length; i += 2) {
            login.setProperty(properties[i], properties[i + 1]);
        }
        return DriverManager.getConnection(url, login);
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Every row, each as its columns' text. */
    static List<List<String>> rows(Connection connection, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * {@code server}'s row of SHOW hosts on the console at {@code port}, column name to value; fails
     * the test if the console does not answer, so that it can be polled in a condition.
     */
    static Map<String, String> hostRow(int port, LocalPostgres server) {
        try (Connection console = console(port); Statement statement = console.createStatement();
             ResultSet result = statement.executeQuery("SHOW hosts")) {
            while (result.next()) {
                if (host(server).equals(result.getString("host"))) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                        row.put(result.getMetaData().getColumnName(i), result.getString(i));
                    }
                    return row;
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("SHOW hosts on console port " + port + " failed", e);
        }
        throw new AssertionError("SHOW hosts on console port " + port + " has no row for " + host(server));
    }

    static String host(LocalPostgres server) {
        return server.host() + ":" + server.port();
    }
}
