package dev.shardgate.it.console;

import dev.shardgate.it.harness.Psql;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A router's admin console as a client sees it: pgjdbc connections and the real psql, logged in as
 * {@code user} to the console database.
 */
record AdminConsole(String host, int port, String user, String password) {

    static final String DATABASE = "shardgate_console";

    /** The SHOW targets that print metadata, in the order a person would read them. */
    static final List<String> METADATA = List.of("shards", "distributions", "key_ranges", "relations", "reference_relations");

    static AdminConsole of(RouterServer router, String user, String password) {
        return new AdminConsole(router.context().config().host(), router.consolePort(), user, password);
    }

    /** pgjdbc in its default (extended) query mode. */
    Connection connect() throws SQLException {
        return connect("extended");
    }

    /** pgjdbc with {@code preferQueryMode}: extended, simple or extendedForPrepared. */
    Connection connect(String queryMode) throws SQLException {
        return connect(DATABASE, queryMode);
    }

    Connection connect(String database, String queryMode) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(host, port, database), properties(user, password, queryMode));
    }

    Psql psql() {
        return new Psql(host, port, user, password, DATABASE);
    }

    static String jdbcUrl(String host, int port, String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    static Properties properties(String user, String password, String queryMode) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", queryMode);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return properties;
    }

    /** Every row of a query, the column names first, values as text (null for SQL NULL). */
    static List<List<String>> rows(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            ResultSetMetaData meta = result.getMetaData();
            List<List<String>> rows = new ArrayList<>();
            List<String> header = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                header.add(meta.getColumnName(i));
            }
            rows.add(header);
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(result.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The output of every metadata SHOW, by target. */
    static Map<String, List<List<String>>> metadata(Connection connection) throws SQLException {
        Map<String, List<List<String>>> all = new LinkedHashMap<>();
        for (String target : METADATA) {
            all.put(target, rows(connection, "SHOW " + target));
        }
        return all;
    }

    Map<String, List<List<String>>> metadata() throws SQLException {
        try (Connection connection = connect()) {
            return metadata(connection);
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
