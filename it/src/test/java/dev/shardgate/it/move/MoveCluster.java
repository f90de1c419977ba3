package dev.shardgate.it.move;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.coordinator.move.ShardHash;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.ShardgateProcess;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.auth.PasswordExchange;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;


/**
 * Two shards, a coordinator whose console moves data and a router it feeds: what the data
 * movement tests share. Shards get a fresh database per test class; the coordinator logs in to
 * them as the same trust user as the router.
 */
final class MoveCluster implements AutoCloseable {
    static final String USER = "mover";
    static final String CONSOLE_DATABASE = "shardgate_console";
    static final String HOST = "127.0.0.1";

    final PostgresServers servers;
    final String database;
    private final String qdbAddr;
    private final java.nio.file.Path configFile;
    private final int consolePort = freePort();
    private final int grpcApiPort = freePort();
    Coordinator coordinator;
    RouterServer router;
    /** Whether a REDISTRIBUTE without BATCH SIZE gets the coordinator's default batches, not 500 rows. */
    private boolean defaultBatches;

    private MoveCluster(PostgresServers servers, String database, String qdbAddr, java.nio.file.Path configFile) {
        this.servers = servers;
        this.database = database;
        this.qdbAddr = qdbAddr;
        this.configFile = configFile;
    }

    /** A fresh database on both servers, a coordinator with an in-memory QDB and a router it feeds. */
    static MoveCluster start(PostgresServers servers, String database) throws Exception {
        return start(servers, database, "");
    }

    /** As {@link #start(PostgresServers, String)}, with the QDB in etcd at {@code qdbAddr} when not empty. */
    static MoveCluster start(PostgresServers servers, String database, String qdbAddr) throws Exception {
        return start(servers, database, qdbAddr, null);
    }

    /** As {@link #start(PostgresServers, String, String)}, with a coordinator.yaml that RELOAD reads. */
    static MoveCluster start(PostgresServers servers, String database, String qdbAddr, java.nio.file.Path configFile)
            throws Exception {
        return start(new MoveCluster(servers, database, qdbAddr, configFile));
    }

    /**
     * As {@link #start(PostgresServers, String)}, with the coordinator's own default batches (sized
     * by time) rather than the tests' 500 rows for a REDISTRIBUTE without BATCH SIZE.
     */
    static MoveCluster startWithDefaultBatches(PostgresServers servers, String database) throws Exception {
        MoveCluster cluster = new MoveCluster(servers, database, "", null);
        cluster.defaultBatches = true;
        return start(cluster);
    }

    private static MoveCluster start(MoveCluster cluster) throws Exception {
        for (LocalPostgres server : cluster.servers.all()) {
            server.createUser(USER, null);
            server.psql("postgres", "DROP DATABASE IF EXISTS " + cluster.database + " WITH (FORCE)");
            server.createDatabase(cluster.database, USER);
        }
        cluster.startCoordinator();
        cluster.startRouter();
        return cluster;
    }

    /** Starts the coordinator on the cluster's ports, and waits until it is active. */
    void startCoordinator() throws Exception {
        coordinator = Coordinator.start(coordinatorConfig(), "test", configFile);
        await("the coordinator becomes active", 15_000, coordinator::isActive);
    }

    /** Closes the coordinator (its running task groups end between steps) and starts another on the same QDB. */
    void restartCoordinator() throws Exception {
        coordinator.close();
        startCoordinator();
    }

    CoordinatorConfig coordinatorConfig() {
        return new CoordinatorConfig(HOST, consolePort, grpcApiPort, qdbAddr, "INFO",
                List.of(new ConsoleRule(CONSOLE_DATABASE, USER, PasswordExchange.Method.TRUST, "")),
                defaultBatches ? new DataMoveConfig(database, USER, "", DataMoveConfig.defaults().batchSize(),
                        DataMoveConfig.defaults().batchLock()) : new DataMoveConfig(database, USER, "", 500)).withHttpPort(0);
    }

    void startRouter() throws Exception {
        router = RouterServer.start(RouterConfig.builder()
                .host(HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .withCoordinator(true).coordinatorAddress(HOST + ":" + coordinator.grpcApiPort())
                .lockWaitTimeout(Duration.ofSeconds(60))
                .httpPort(0)
                .frontendRule(FrontendRule.of(database, USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(database, USER, 20, false, true, AuthRule.ok(), false))
                .build());
        try (Connection console = console()) {
            execute(console, "REGISTER ROUTER r1 ADDRESS '" + HOST + ":" + router.grpcApiPort() + "'");
        }
    }

    /** Waits until the router holds the coordinator's current metadata. */
    void awaitRouterSynced() {
        await("the router holds the coordinator's metadata", 10_000,
                () -> router.context().qdb().version() == coordinator.qdb().version());
    }

    /** CREATE SHARD sh1, sh2 on the two servers. */
    void createShards() throws SQLException {
        try (Connection console = console()) {
            for (int i = 0; i < servers.size(); i++) {
                LocalPostgres server = servers.get(i);
                execute(console, "CREATE SHARD sh" + (i + 1) + " WITH HOSTS '" + server.host() + ":" + server.port() + "'");
            }
        }
    }

    Connection console() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("socketTimeout", "600");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + coordinator.consolePort() + "/"
                + CONSOLE_DATABASE, properties);
    }

    /** A client connection through the router. */
    Connection client() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("socketTimeout", "120");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + router.port() + "/" + database, properties);
    }

    /** A connection straight to shard {@code index} (0 for sh1). */
    Connection shard(int index) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return DriverManager.getConnection(servers.get(index).jdbcUrl(database), properties);
    }

    /** Runs SQL straight on shard {@code index}. */
    void onShard(int index, String sql) throws SQLException {
        try (Connection connection = shard(index)) {
            execute(connection, sql);
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    /** Every row of a query's result, its columns joined by "|". */
    static List<String> rows(Connection connection, String sql) throws SQLException {
        return Jdbc.rows(connection, sql);
    }

    /** The first column of the first row. */
    static String value(Connection connection, String sql) throws SQLException {
        List<String> rows = rows(connection, sql);
        return rows.isEmpty() ? null : rows.getFirst().split("\\|", -1)[0];
    }

    /**
     * {@code count|checksum} of a table on shard {@code index}: the checksum hashes each row's text.
     * {@code where} may use the router's key hashes ({@link ShardHash#keyExpression}).
     */
    String content(int index, String table, String where) throws SQLException {
        try (Connection connection = shard(index)) {
            ShardHash.install(connection);
            if (value(connection, "SELECT to_regclass('" + table + "') IS NOT NULL").equals("f")) {
                return "0|0";
            }
            return rows(connection, "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM " + table
                    + " t WHERE " + where).getFirst();
        }
    }

    /** The same, over what a statement selects as rows of the table's type, computed on shard 0. */
    String expectedContent(String rowsSql, long[] ids) throws SQLException {
        try (Connection connection = shard(0); PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*), coalesce(sum(hashtext(t::text)::bigint), 0) FROM (" + rowsSql + ") t")) {
            Array array = connection.createArrayOf("bigint", java.util.Arrays.stream(ids).boxed().toArray());
            statement.setArray(1, array);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1) + "|" + row.getString(2);
            }
        }
    }

    static int freePort() {
        return ShardgateProcess.freePort();
    }

    static long await(String what, long millis, BooleanSupplier condition) {
        return Jdbc.await(what, millis, condition);
    }

    @Override
    public void close() {
        if (router != null) {
            router.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
    }
}
