package dev.shardgate.it.twophase;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;

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
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            """;

    final String database;
    final RouterServer router;
    private final List<Connection> shards;

    private BankCluster(String database, RouterServer router, List<Connection> shards) {
        this.database = database;
        this.router = router;
        this.shards = shards;
    }

    /** Makes the user and database on every server and a fresh {@code accounts} table on each shard. */
    static List<Connection> prepareShards(PostgresServers servers, String database) throws SQLException {
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            server.createUser(USER, null);
            server.createDatabase(database, USER);
            Connection connection = DriverManager.getConnection(server.jdbcUrl(database), properties());
            execute(connection, "DROP TABLE IF EXISTS accounts");
            execute(connection, "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL CHECK (balance > -1000000))");
            direct.add(connection);
        }
        return direct;
    }

    static BankCluster start(PostgresServers servers, String database) throws SQLException, IOException {
        return start(servers, database, PoolMode.TRANSACTION);
    }

    static BankCluster start(PostgresServers servers, String database, PoolMode poolMode) throws SQLException, IOException {
        Path directory = Files.createTempDirectory("twophase");
        Path init = directory.resolve("init.sql");
        Files.writeString(init, METADATA);
        List<Connection> direct = prepareShards(servers, database);
        RouterConfig.Builder config = RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(new FrontendRule(database, USER, poolMode, AuthRule.ok(), false))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(database, USER, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true, AuthRule.ok(), false))
                .initSqlFile(init).qdbFile(directory.resolve("qdb.yaml")).routerId(ROUTER_ID);
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            config.shard("sh" + (i + 1), ShardConfig.data(server.host() + ":" + server.port()));
        }
        return new BankCluster(database, RouterServer.start(config.build()), direct);
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
        return shards.get(index);
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
        router.close();
        for (Connection shard : shards) {
            shard.close();
        }
    }
}
