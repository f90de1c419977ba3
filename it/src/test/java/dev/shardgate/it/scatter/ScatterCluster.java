package dev.shardgate.it.scatter;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Two shards behind a router, plus a reference: database {@code <name>_ref} on the first server holds
 * every row of every shard in one table, so a query through the router must answer exactly what
 * the same query answers there.
 */
final class ScatterCluster implements AutoCloseable {
    static final String USER = "scatter";
    static final String HOST = LocalPostgres.HOST;

    /** Keys below 1000 live on sh1, the rest on sh2; no default shard, so keyless statements run on both. */
    private static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            """;

    private final String database;
    private final RouterServer router;
    private final List<Connection> shards;
    private final Connection reference;

    private ScatterCluster(String database, RouterServer router, List<Connection> shards, Connection reference) {
        this.database = database;
        this.router = router;
        this.shards = shards;
        this.reference = reference;
    }

    /** The shards' database is {@code database}; the reference is {@code database_ref} on the first server. */
    static ScatterCluster start(PostgresServers servers, String database, String schema, PoolMode poolMode)
            throws SQLException, IOException {
        return start(servers, database, schema, poolMode, config -> { });
    }

    /** As above, with router.yaml settings of the test's own ({@code max_intermediate_result_size} …). */
    static ScatterCluster start(PostgresServers servers, String database, String schema, PoolMode poolMode,
                                java.util.function.Consumer<RouterConfig.Builder> settings) throws SQLException, IOException {
        Path init = Files.createTempFile("scatter-init", ".sql");
        Files.writeString(init, METADATA);
        RouterConfig.Builder config = RouterConfig.builder()
                .host(HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(new FrontendRule(database, USER, poolMode, AuthRule.ok(), false))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(database, USER, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true, AuthRule.ok(), false))
                .defaultRouteBehaviour(DefaultRouteBehaviour.ALLOW)
                .initSqlFile(init);
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            server.createUser(USER, null);
            server.createDatabase(database, USER);
            Connection connection = DriverManager.getConnection(server.jdbcUrl(database), properties());
            execute(connection, schema);
            direct.add(connection);
            config.shard("sh" + (i + 1), ShardConfig.data(server.host() + ":" + server.port()));
        }
        settings.accept(config);
        servers.get(0).createDatabase(database + "_ref", USER);
        Connection reference = DriverManager.getConnection(servers.get(0).jdbcUrl(database + "_ref"), properties());
        execute(reference, schema);
        return new ScatterCluster(database, RouterServer.start(config.build()), direct, reference);
    }

    private static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("preferQueryMode", "simple");
        return properties;
    }

    /** The router's admin console (LOCK KEY RANGE …). */
    Connection console() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + router.consolePort() + "/shardgate_console",
                properties());
    }

    /** A connection to the router over the simple query protocol. */
    Connection connect() throws SQLException {
        return connect("preferQueryMode", "simple");
    }

    /** A connection to the router with a pgjdbc property: e.g. prepareThreshold for the extended protocol. */
    Connection connect(String property, String value) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty(property, value);
        properties.setProperty("socketTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + router.port() + "/" + database, properties);
    }

    /** A protocol-level client logged in to the router, for what drivers cannot send (untyped parameters). */
    WireClient wire() throws IOException {
        return WireClient.connect(HOST, router.port(), USER, database);
    }

    /** The router's client port (raw protocol clients, psql). */
    int routerPort() {
        return router.port();
    }

    /** Runs SQL on the shard holding {@code key} and on the reference. */
    void insertDirectly(long key, String sql) throws SQLException {
        execute(shards.get(key < 1000 ? 0 : 1), sql);
        execute(reference, sql);
    }

    void onShardsAndReference(String sql) throws SQLException {
        for (Connection shard : shards) {
            execute(shard, sql);
        }
        execute(reference, sql);
    }

    Connection shard(int index) {
        return shards.get(index);
    }

    Connection reference() {
        return reference;
    }

    static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    /** Column names (with type names), then the rows, as psql -A prints them, NULL as "∅". */
    static List<String> answer(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return lines(rows);
        }
    }

    /**
     * {@link #answer}, its rows sorted after the header unless {@code ordered}; or {@code ERROR
     * <sqlstate>} when the statement fails: what a finished statement is compared by.
     */
    static List<String> answerOrError(Connection connection, String sql, boolean ordered) {
        try {
            List<String> lines = answer(connection, sql);
            if (!ordered) {
                List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
                java.util.Collections.sort(rows);
                rows.addFirst(lines.getFirst());
                return rows;
            }
            return lines;
        } catch (SQLException e) {
            return List.of("ERROR " + e.getSQLState());
        }
    }

    /** {@link #answer} through a PreparedStatement: the extended protocol. */
    static List<String> answerPrepared(Connection connection, String sql) throws SQLException {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            return lines(rows);
        }
    }

    private static List<String> lines(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> lines = new ArrayList<>();
        StringBuilder header = new StringBuilder();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            header.append(c > 1 ? "|" : "").append(meta.getColumnLabel(c)).append(':').append(meta.getColumnTypeName(c));
        }
        lines.add(header.toString());
        while (rows.next()) {
            StringBuilder line = new StringBuilder();
            for (int c = 1; c <= meta.getColumnCount(); c++) {
                String value = rows.getString(c);
                line.append(c > 1 ? "|" : "").append(value == null ? "∅" : value);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    @Override
    public void close() throws SQLException {
        router.close();
        for (Connection shard : shards) {
            shard.close();
        }
        reference.close();
    }
}
