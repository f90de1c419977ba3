package dev.shardgate.it.twophase;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RouterOnShards;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.PoolMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Two shards with relation {@code accounts} distributed by {@code id}: below 1000 on sh1, the rest
 * on sh2. The router keeps its QDB in a file, so two-phase commit decisions are durable.
 */
final class BankCluster implements AutoCloseable {
    static final String USER = "twophase";
    static final String ROUTER_ID = "itbank";
    static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION accounts DISTRIBUTION KEY id;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            """;

    final String database;
    final RouterServer router;
    private final RouterOnShards cluster;

    private BankCluster(RouterOnShards cluster) {
        this.cluster = cluster;
        this.database = cluster.database();
        this.router = cluster.router();
    }

    /** Makes the user and database on every server and a fresh {@code accounts} table on each shard. */
    static List<Connection> prepareShards(PostgresServers servers, String database) throws SQLException {
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            server.createUser(USER, null);
            server.createDatabase(database, USER);
            Connection connection = DriverManager.getConnection(server.jdbcUrl(database), properties());
            freshAccounts(connection);
            direct.add(connection);
        }
        return direct;
    }

    private static void freshAccounts(Connection shard) throws SQLException {
        execute(shard, "DROP TABLE IF EXISTS accounts");
        execute(shard, "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL CHECK (balance > -1000000))");
    }

    static BankCluster start(PostgresServers servers, String database) throws SQLException, IOException {
        return start(servers, database, PoolMode.TRANSACTION);
    }

    static BankCluster start(PostgresServers servers, String database, PoolMode poolMode) throws SQLException, IOException {
        Path qdb = Files.createTempDirectory("twophase").resolve("qdb.yaml");
        RouterOnShards cluster = RouterOnShards.start(servers, database, USER, poolMode, METADATA,
                config -> config.qdbFile(qdb).routerId(ROUTER_ID));
        for (Connection shard : cluster.shards()) {
            freshAccounts(shard);
        }
        return new BankCluster(cluster);
    }

    static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("sslmode", "disable");
        return properties;
    }

    /** A connection to the router; {@code simple} chooses the simple query protocol, else pgjdbc's extended one. */
    Connection connect(boolean simple) throws SQLException {
        return connect(router.port(), database, simple);
    }

    static Connection connect(int port, String database, boolean simple) throws SQLException {
        Properties properties = properties();
        properties.setProperty("preferQueryMode", simple ? "simple" : "extended");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + port + "/" + database, properties);
    }

    Connection console() throws SQLException {
        Properties properties = properties();
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + router.consolePort()
                + "/spqr-console", properties);
    }

    Connection shard(int index) {
        return cluster.shard(index);
    }

    /** Accounts 1 (on sh1) and 1001 (on sh2) at 100, and no other. */
    void twoAccounts() throws SQLException {
        execute(shard(0), "TRUNCATE accounts");
        execute(shard(1), "TRUNCATE accounts");
        execute(shard(0), "INSERT INTO accounts VALUES (1, 100)");
        execute(shard(1), "INSERT INTO accounts VALUES (1001, 100)");
    }

    /** An account's balance as its shard holds it. */
    long balance(int shard, int id) throws SQLException {
        return number(shard(shard), "SELECT balance FROM accounts WHERE id = " + id);
    }

    static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    /** The first column of every row, as text. */
    static List<String> column(Connection connection, String sql) throws SQLException {
        return Jdbc.column(connection, sql);
    }

    static long number(Connection connection, String sql) throws SQLException {
        return Jdbc.number(connection, sql);
    }

    /** This database's prepared transactions on a shard, by gid. */
    static List<String> prepared(Connection shard) throws SQLException {
        return column(shard, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid");
    }

    @Override
    public void close() throws SQLException {
        cluster.close();
    }
}
