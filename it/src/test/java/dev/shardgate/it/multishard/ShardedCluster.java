package dev.shardgate.it.multishard;

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
 * Two shards behind a router with the default route behaviour (BLOCK): relation {@code orders} is
 * distributed by {@code id} (below 1000 on sh1, the rest on sh2), {@code countries} is a reference
 * relation on every shard. The tables themselves are made by the tests, through the router.
 */
final class ShardedCluster implements AutoCloseable {
    static final String USER = "multishard";

    static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE REFERENCE TABLE countries;
            """;

    private final String database;
    private final RouterServer router;
    private final List<Connection> shards;

    private ShardedCluster(String database, RouterServer router, List<Connection> shards) {
        this.database = database;
        this.router = router;
        this.shards = shards;
    }

    static ShardedCluster start(PostgresServers servers, String database, PoolMode poolMode) throws SQLException, IOException {
        Path init = Files.createTempFile("multishard-init", ".sql");
        Files.writeString(init, METADATA);
        RouterConfig.Builder config = RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(new FrontendRule(database, USER, poolMode, AuthRule.ok(), false))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(database, USER, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true, AuthRule.ok(), false))
                .initSqlFile(init);
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            server.createUser(USER, null);
            server.createDatabase(database, USER);
            direct.add(DriverManager.getConnection(server.jdbcUrl(database), properties()));
            config.shard("sh" + (i + 1), ShardConfig.data(server.host() + ":" + server.port()));
        }
        return new ShardedCluster(database, RouterServer.start(config.build()), direct);
    }

    private static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return properties;
    }

    /** A connection to the router; {@code simple} chooses the simple query protocol, else pgjdbc's extended one. */
    Connection connect(boolean simple) throws SQLException {
        Properties properties = properties();
        properties.setProperty("preferQueryMode", simple ? "simple" : "extended");
        properties.setProperty("prepareThreshold", "1");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + router.port() + "/" + database, properties);
    }

    Connection shard(int index) {
        return shards.get(index);
    }

    int shardCount() {
        return shards.size();
    }

    static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    /** The first column of every row, as text. */
    static List<String> column(Connection connection, String sql) throws SQLException {
        return Jdbc.column(connection, sql);
    }

    static long count(Connection connection, String sql) throws SQLException {
        return Jdbc.number(connection, sql);
    }

    @Override
    public void close() throws SQLException {
        router.close();
        for (Connection shard : shards) {
            shard.close();
        }
    }
}
