package dev.shardgate.it.replica;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.wire.auth.PasswordExchange;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Consoles in front of replicated shards, logged in as the superuser (pg_promote needs one): a
 * router that has the shards in its router.yaml, and a coordinator with in-memory metadata.
 */
final class ReplicaConsoles {
    static final String USER = LocalPostgres.SUPERUSER;
    static final String DATABASE = "postgres";

    private ReplicaConsoles() {
    }

    static RouterServer router(ReplicatedShards shards) throws Exception {
        RouterConfig.Builder config = RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(FrontendRule.of(DATABASE, USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(DATABASE, USER, 10, false, true, AuthRule.ok(), false));
        for (int shard = 0; shard < shards.shards(); shard++) {
            config.shard("sh" + (shard + 1), ShardConfig.data(shards.hosts(shard).toArray(String[]::new)));
        }
        return RouterServer.start(config.build());
    }

    /** A router fed by {@code coordinator}, registered there as {@code id}, holding its metadata when this returns. */
    static RouterServer fedRouter(Coordinator coordinator, String id) throws Exception {
        RouterServer router = RouterServer.start(RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .withCoordinator(true).coordinatorAddress(LocalPostgres.HOST + ":" + coordinator.grpcApiPort())
                .frontendRule(FrontendRule.of(DATABASE, USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(DATABASE, USER, 10, false, true, AuthRule.ok(), false))
                .build());
        try (Connection console = console(coordinator.consolePort())) {
            execute(console, "REGISTER ROUTER " + id + " ADDRESS '" + LocalPostgres.HOST + ":" + router.grpcApiPort() + "'");
        }
        dev.shardgate.it.harness.Jdbc.await("router " + id + " holds the shards", 10_000,
                () -> !router.context().metadata().shards().isEmpty());
        return router;
    }

    /** A pgjdbc connection through a router, as an application's. */
    static Connection throughRouter(RouterServer router) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + router.port() + "/" + DATABASE,
                properties);
    }

    /** A coordinator whose console already knows the shards, every host of each. */
    static Coordinator coordinator(ReplicatedShards shards) throws Exception {
        Coordinator coordinator = Coordinator.start(new CoordinatorConfig(LocalPostgres.HOST, 0, 0, "", "INFO",
                List.of(new ConsoleRule("shardgate_console", USER, PasswordExchange.Method.TRUST, "")))
                .withDataMove(new DataMoveConfig(DATABASE, USER, "", 500)), "test");
        try (Connection console = console(coordinator.consolePort())) {
            for (int shard = 0; shard < shards.shards(); shard++) {
                execute(console, "CREATE SHARD sh" + (shard + 1) + " WITH HOSTS '"
                        + String.join("', '", shards.hosts(shard)) + "'");
            }
        }
        return coordinator;
    }

    /** A console connection in simple query mode, as psql talks; FAILOVER may take a while. */
    static Connection console(int port) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("socketTimeout", "120");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + port + "/shardgate_console",
                properties);
    }

    static Connection direct(LocalPostgres server) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection(server.jdbcUrl(DATABASE), properties);
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

    static String host(LocalPostgres server) {
        return server.host() + ":" + server.port();
    }
}
