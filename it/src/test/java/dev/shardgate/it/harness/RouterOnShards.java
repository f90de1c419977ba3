package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.LocalPostgres;
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
import java.util.function.UnaryOperator;

/**
 * A router in this JVM in front of every server as shards sh1, sh2, …, for one database and one
 * user (created on each server, trusted), its metadata from console commands run at start; plus a
 * direct connection to each shard, to check where rows went.
 */
public final class RouterOnShards implements AutoCloseable {
    private final String database;
    private final String user;
    private final RouterServer router;
    private final List<Connection> shards;

    private RouterOnShards(String database, String user, RouterServer router, List<Connection> shards) {
        this.database = database;
        this.user = user;
        this.router = router;
        this.shards = shards;
    }

    /**
     * @param metadata console commands run at start (init_sql)
     * @param tuning   further router settings, or {@code UnaryOperator.identity()}
     */
    public static RouterOnShards start(PostgresServers servers, String database, String user, PoolMode poolMode,
                                     String metadata, UnaryOperator<RouterConfig.Builder> tuning)
            throws SQLException, IOException {
        Path init = Files.createTempFile("routed-shards-init", ".sql");
        Files.writeString(init, metadata);
        RouterConfig.Builder config = RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(new FrontendRule(database, user, poolMode, AuthRule.ok(), false))
                .frontendRule(FrontendRule.console(user, AuthRule.ok()))
                .backendRule(new BackendRule(database, user, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true, AuthRule.ok(), false))
                .initSqlFile(init);
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            server.createUser(user, null);
            server.createDatabase(database, user);
            direct.add(DriverManager.getConnection(server.jdbcUrl(database), properties(user)));
            config.shard("sh" + (i + 1), ShardConfig.data(server.host() + ":" + server.port()));
        }
        return new RouterOnShards(database, user, RouterServer.start(tuning.apply(config).build()), direct);
    }

    private static Properties properties(String user) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        return properties;
    }

    /**
     * pgjdbc to the router: the simple query protocol, or the extended one with server-prepared
     * statements from the first use.
     */
    public Connection connect(boolean simple) throws SQLException {
        Properties properties = properties(user);
        properties.setProperty("preferQueryMode", simple ? "simple" : "extended");
        properties.setProperty("prepareThreshold", "1");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + router.port() + "/" + database,
                properties);
    }

    public RouterServer router() {
        return router;
    }

    public String database() {
        return database;
    }

    /** The direct connection to shard {@code index} (0 for sh1). */
    public Connection shard(int index) {
        return shards.get(index);
    }

    public List<Connection> shards() {
        return shards;
    }

    @Override
    public void close() throws SQLException {
        router.close();
        for (Connection shard : shards) {
            shard.close();
        }
    }
}
