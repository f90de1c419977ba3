package dev.shardgate.it.routing;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Pgbench;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A router in front of the servers of a {@code @RealPostgres} class: shard {@code sh1} is server 0,
 * {@code sh2} server 1, and so on. The test's database exists on every shard, owned by {@link #USER};
 * direct connections to each shard show where the router's statements really landed.
 */
final class RoutedShards implements AutoCloseable {
    static final String USER = "routing";
    static final String HOST = LocalPostgres.HOST;

    private final PostgresServers servers;
    private final String database;
    private final RouterServer router;
    private final List<Connection> direct;

    private RoutedShards(PostgresServers servers, String database, RouterServer router, List<Connection> direct) {
        this.servers = servers;
        this.database = database;
        this.router = router;
        this.direct = direct;
    }

    /** What to set up before the router starts. */
    static Setup on(PostgresServers servers, String database) {
        return new Setup(servers, database);
    }

    static final class Setup {
        private final PostgresServers servers;
        private final String database;
        private String schema = "";
        private String initSql;
        private int connectionLimit = BackendRule.DEFAULT_CONNECTION_LIMIT;
        private Duration lockWaitTimeout = RouterConfig.DEFAULT_LOCK_WAIT_TIMEOUT;
        private DefaultRouteBehaviour defaultRouteBehaviour = DefaultRouteBehaviour.BLOCK;
        private boolean showNoticeMessages;

        private Setup(PostgresServers servers, String database) {
            this.servers = servers;
            this.database = database;
        }

        /** DDL run directly on every shard, as the owner of the database. */
        Setup schema(String ddl) {
            schema = ddl;
            return this;
        }

        /** The console commands of {@code src/test/resources/routing/<name>}, run by the router at start. */
        Setup initSql(String resourceName) {
            initSql = resourceName;
            return this;
        }

        Setup connectionLimit(int limit) {
            connectionLimit = limit;
            return this;
        }

        Setup lockWaitTimeout(Duration timeout) {
            lockWaitTimeout = timeout;
            return this;
        }

        Setup defaultRouteBehaviour(DefaultRouteBehaviour behaviour) {
            defaultRouteBehaviour = behaviour;
            return this;
        }

        /** router.yaml's show_notice_messages. */
        Setup showNoticeMessages(boolean on) {
            showNoticeMessages = on;
            return this;
        }

        RoutedShards start() throws SQLException, IOException {
            List<Connection> direct = new ArrayList<>();
            RouterConfig.Builder config = RouterConfig.builder()
                    .host(HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                    .frontendRule(FrontendRule.of(database, USER, AuthRule.ok()))
                    .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                    .backendRule(new BackendRule(database, USER, connectionLimit, false, true, AuthRule.ok(), false))
                    .lockWaitTimeout(lockWaitTimeout)
                    .defaultRouteBehaviour(defaultRouteBehaviour)
                    .showNoticeMessages(showNoticeMessages)
                    .initSqlFile(resource(initSql));
            try {
                for (int i = 0; i < servers.size(); i++) {
                    LocalPostgres server = servers.get(i);
                    server.createUser(USER, null);
                    server.createDatabase(database, USER);
                    Connection connection = DriverManager.getConnection(server.jdbcUrl(database), directProperties());
                    direct.add(connection);
                    if (!schema.isBlank()) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute(schema);
                        }
                    }
                    config.shard(shardName(i), ShardConfig.data(server.host() + ":" + server.port()));
                }
                return new RoutedShards(servers, database, RouterServer.start(config.build()), direct);
            } catch (SQLException | IOException | RuntimeException e) {
                closeAll(direct);
                throw e;
            }
        }
    }

    /** Direct connections give up on a lock a router session holds rather than hang the run. */
    private static Properties directProperties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("options", "-c lock_timeout=5s");
        return properties;
    }

    /** A file of {@code src/test/resources/routing}. */
    static Path resource(String name) {
        URL url = RoutedShards.class.getResource("/routing/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no test resource routing/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(url.toString(), e);
        }
    }

    static String shardName(int index) {
        return "sh" + (index + 1);
    }

    int shardCount() {
        return servers.size();
    }

    List<String> shardNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            names.add(shardName(i));
        }
        return names;
    }

    /** The PostgreSQL port of a shard: what {@code inet_server_port()} answers there. */
    int serverPort(String shard) {
        return servers.get(indexOf(shard)).port();
    }

    /** The shard listening on {@code port}, for answers of {@code inet_server_port()}. */
    String shardOfPort(int port) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).port() == port) {
                return shardName(i);
            }
        }
        throw new AssertionError("no shard listens on port " + port);
    }

    int routerPort() {
        return router.port();
    }

    String database() {
        return database;
    }

    /**
     * A pgjdbc connection to the router speaking {@code protocol}, with more pgjdbc properties as name,
     * value pairs. A read waits at most 5 s: a router that stops answering fails the test, not the run.
     */
    Connection connect(Protocol protocol, String... moreProperties) throws SQLException {
        Properties properties = protocol.properties();
        properties.setProperty("user", USER);
        properties.setProperty("socketTimeout", "5");
        for (int i = 0; i + 1 < moreProperties.length; i += 2) {
            properties.setProperty(moreProperties[i], moreProperties[i + 1]);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + router.port() + "/" + database, properties);
    }

    /** A connection to the router's admin console. */
    Connection console() throws SQLException {
        Properties properties = Protocol.SIMPLE.properties();
        properties.setProperty("user", USER);
        return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + router.consolePort() + "/spqr-console",
                properties);
    }

    /** Runs console commands on a connection of its own. */
    void console(String commands) throws SQLException {
        try (Connection console = console(); Statement statement = console.createStatement()) {
            statement.execute(commands);
        }
    }

    /** The real psql client, connected to the router. */
    Psql psql() {
        return new Psql(HOST, router.port(), USER, null, database);
    }

    /** The real psql client, connected to the router's admin console. */
    Psql consolePsql() {
        return new Psql(HOST, router.consolePort(), USER, null, "spqr-console");
    }

    /** The real pgbench, connected to the router. */
    Pgbench pgbench() {
        return new Pgbench(HOST, router.port(), USER, null, database);
    }

    /** The real pgbench, connected directly to a shard. */
    Pgbench pgbenchOn(String shard) {
        LocalPostgres server = servers.get(indexOf(shard));
        return new Pgbench(server.host(), server.port(), USER, null, database);
    }

    /** Runs SQL directly on every shard, bypassing the router. */
    void onEveryShard(String sql) throws SQLException {
        for (Connection connection : direct) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
            }
        }
    }

    /**
     * Runs SQL directly on one shard; the rows as psql -A -t prints them: columns joined by |, rows by
     * newlines, NULL as nothing.
     */
    String on(String shard, String sql) throws SQLException {
        return text(direct.get(indexOf(shard)), sql);
    }

    /**
     * Ends the backends a router session left idle in a transaction (after a test that failed or hung),
     * so their locks do not block the next test; the router's idle pooled backends are left alone. A
     * session stuck on such a backend wakes up when it ends and may still run what its client had
     * sent: it gets a moment for that before the caller resets the tables.
     */
    void endAbandonedTransactions() throws SQLException {
        int ended = 0;
        for (String shard : shardNames()) {
            ended += Integer.parseInt(on(shard, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    + " AND state LIKE 'idle in transaction%'"));
        }
        if (ended > 0) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The answer of each shard, read directly, by shard name. */
    Map<String, String> onEachShard(String sql) throws SQLException {
        Map<String, String> answers = new LinkedHashMap<>();
        for (int i = 0; i < direct.size(); i++) {
            answers.put(shardName(i), text(direct.get(i), sql));
        }
        return answers;
    }

    /** What {@link #onEachShard} should answer when {@code shard} answers {@code there} and all others {@code elsewhere}. */
    Map<String, String> only(String shard, String there, String elsewhere) {
        Map<String, String> answers = new LinkedHashMap<>();
        for (String name : shardNames()) {
            answers.put(name, name.equals(shard) ? there : elsewhere);
        }
        return answers;
    }

    /** The same answer from every shard. */
    Map<String, String> everywhere(String answer) {
        return only("", answer, answer);
    }

    static String text(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (!statement.execute(sql)) {
                return "";
            }
            try (ResultSet rows = statement.getResultSet()) {
                return text(rows);
            }
        }
    }

    static String text(ResultSet rows) throws SQLException {
        int columns = rows.getMetaData().getColumnCount();
        StringBuilder out = new StringBuilder();
        while (rows.next()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            for (int c = 1; c <= columns; c++) {
                if (c > 1) {
                    out.append('|');
                }
                String value = rows.getString(c);
                out.append(value == null ? "" : value);
            }
        }
        return out.toString();
    }

    private int indexOf(String shard) {
        int index = Integer.parseInt(shard.substring(2)) - 1;
        if (!shard.startsWith("sh") || index < 0 || index >= servers.size()) {
            throw new IllegalArgumentException("no shard " + shard);
        }
        return index;
    }

    @Override
    public void close() {
        router.close();
        closeAll(direct);
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the shard may be gone already; nothing to clean up on our side
            }
        }
    }
}
