package dev.shardgate.it.coordinator;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.wire.auth.PasswordExchange;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;


/**
 * What the coordinator tests share: the shards' database and table, connections to consoles and
 * routers, and waiting for a condition with a deadline.
 */
final class SyncedCluster {
    static final String USER = "sync";
    static final String CONSOLE_DATABASE = "shardgate_console";
    static final String HOST = "127.0.0.1";

    private SyncedCluster() {
    }

    /** A database {@code database} with table {@code orders(id bigint primary key, note text)} on every server. */
    static void prepareShards(PostgresServers servers, String database) throws SQLException {
        for (LocalPostgres server : servers.all()) {
            server.createUser(USER, null);
            server.createDatabase(database, USER);
            try (Connection connection = direct(server, database); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS orders; CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL)");
            }
        }
    }

    /** The console commands that shard orders by id over the servers: 1000 keys per shard, sh1 from 0. */
    static List<String> metadataCommands(PostgresServers servers) {
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            commands.add("CREATE SHARD sh" + (i + 1) + " WITH HOSTS '" + server.host() + ":" + server.port() + "'");
        }
        commands.add("CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
        commands.add("ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
        // From the highest bound down: a range inside an existing range of another shard is refused.
        for (int i = servers.size() - 1; i >= 0; i--) {
            commands.add("CREATE KEY RANGE kr" + (i + 1) + " FROM " + (i * 1000) + " ROUTE TO sh" + (i + 1)
                    + " FOR DISTRIBUTION ds1");
        }
        return commands;
    }

    static Connection direct(LocalPostgres server, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return DriverManager.getConnection(server.jdbcUrl(database), properties);
    }

    static Connection connect(int port, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + database, properties);
    }

    /** A console connection in simple query mode, as psql talks. */
    static Connection console(int port) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + port + "/" + CONSOLE_DATABASE, properties);
    }

    static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    /** The first column of every row, joined by commas. */
    static String column(Connection connection, String sql) throws SQLException {
        return column(connection, sql, 1);
    }

    /** Column {@code index} (from 1) of every row, joined by commas. */
    static String column(Connection connection, String sql, int index) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(index));
            }
        }
        return String.join(",", values);
    }

    /** A coordinator on {@code etcd} whose console trusts {@link #USER} and whose moves log in to {@code database}, once active. */
    static Coordinator startCoordinator(LocalEtcd etcd, String database) throws Exception {
        Coordinator coordinator = Coordinator.start(new CoordinatorConfig(HOST, 0, 0, etcd.endpoint(), "INFO",
                List.of(new ConsoleRule(CONSOLE_DATABASE, USER, PasswordExchange.Method.TRUST, "")))
                .withDataMove(new DataMoveConfig(database, USER, "", 500)),
                "test");
        await("the only coordinator becomes active", 10_000, coordinator::isActive);
        return coordinator;
    }

    /** Waits up to {@code millis} for the condition; fails naming {@code what} otherwise. Returns the time taken. */
    static long await(String what, long millis, BooleanSupplier condition) {
        return Jdbc.await(what, millis, condition);
    }
}
