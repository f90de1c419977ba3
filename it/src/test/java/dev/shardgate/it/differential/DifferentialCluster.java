package dev.shardgate.it.differential;

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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A router in this JVM over three shards (one database on each of three servers) and the oracle, a
 * database on the first server holding every row. Connections to the router and to the oracle are
 * kept per {@link Protocol}; those to the shards are direct, to see where rows are.
 */
final class DifferentialCluster implements AutoCloseable {
    static final String USER = "difftest";

    private final Mode mode;
    private final RouterServer router;
    private final LocalPostgres oracleServer;
    private final List<Connection> shards;
    private final Map<Protocol, Connection> routerConnections = new EnumMap<>(Protocol.class);
    private final Map<Protocol, Connection> oracleConnections = new EnumMap<>(Protocol.class);

    private DifferentialCluster(Mode mode, RouterServer router, LocalPostgres oracleServer, List<Connection> shards) {
        this.mode = mode;
        this.router = router;
        this.oracleServer = oracleServer;
        this.shards = shards;
    }

    static DifferentialCluster start(PostgresServers servers, Mode mode) throws SQLException, IOException {
        if (servers.size() < Dataset.SHARDS) {
            throw new IllegalArgumentException("a differential run needs " + Dataset.SHARDS + " servers, got " + servers.size());
        }
        String database = mode.database();
        Path init = Files.createTempFile("difftest-init", ".sql");
        Files.writeString(init, Dataset.METADATA);
        RouterConfig.Builder config = RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(new FrontendRule(database, USER, PoolMode.TRANSACTION, AuthRule.ok(), false))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(database, USER, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true, AuthRule.ok(), false))
                .defaultRouteBehaviour(mode.behaviour())
                .initSqlFile(init);
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < Dataset.SHARDS; i++) {
            LocalPostgres server = servers.get(i);
            createDatabase(server, database, mode.collation());
            Connection connection = DriverManager.getConnection(server.jdbcUrl(database), Protocol.SIMPLE.properties(USER));
            Jdbc.execute(connection, Dataset.SCHEMA);
            direct.add(connection);
            config.shard("sh" + (i + 1), ShardConfig.data(server.host() + ":" + server.port()));
        }
        LocalPostgres oracleServer = servers.get(0);
        createDatabase(oracleServer, database + "_oracle", mode.collation());
        try (Connection oracle = DriverManager.getConnection(oracleServer.jdbcUrl(database + "_oracle"), Protocol.SIMPLE.properties(USER))) {
            Jdbc.execute(oracle, Dataset.SCHEMA);
        }
        return new DifferentialCluster(mode, RouterServer.start(config.build()), oracleServer, direct);
    }

    /** A fresh database (dropped first if an earlier run in this JVM left it) with the mode's default collation. */
    private static void createDatabase(LocalPostgres server, String database, Mode.Collation collation) {
        server.createUser(USER, null);
        String locale = switch (collation) {
            case C -> "LOCALE 'C'";
            case ICU -> "LOCALE_PROVIDER icu ICU_LOCALE 'und' LOCALE 'C'";
        };
        server.psql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE);\n"
                + "CREATE DATABASE " + database + " OWNER " + USER + " TEMPLATE template0 ENCODING 'UTF8' " + locale + ";\n");
    }

    Mode mode() {
        return mode;
    }

    /** The connection to the router over {@code protocol}, made anew when the last one broke. */
    Connection router(Protocol protocol) throws SQLException {
        Connection connection = routerConnections.get(protocol);
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + router.port() + "/"
                    + mode.database(), protocol.properties(USER));
            routerConnections.put(protocol, connection);
        }
        return connection;
    }

    Connection oracle(Protocol protocol) throws SQLException {
        Connection connection = oracleConnections.get(protocol);
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(oracleServer.jdbcUrl(mode.database() + "_oracle"), protocol.properties(USER));
            oracleConnections.put(protocol, connection);
        }
        return connection;
    }

    /** Forgets a router connection that may be in an unknown state (after a timeout, or an open transaction). */
    void dropRouter(Protocol protocol) {
        close(routerConnections.remove(protocol));
    }

    void dropOracle(Protocol protocol) {
        close(oracleConnections.remove(protocol));
    }

    Connection shard(int index) {
        return shards.get(index);
    }

    /** Puts the starting rows back on every shard and on the oracle. */
    void load(Dataset dataset) throws SQLException {
        for (int i = 0; i < shards.size(); i++) {
            for (String sql : dataset.loadShard(i)) {
                Jdbc.execute(shards.get(i), sql);
            }
        }
        Connection oracle = oracle(Protocol.SIMPLE);
        for (String sql : dataset.loadAll()) {
            Jdbc.execute(oracle, sql);
        }
    }

    private static void close(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // already broken: nothing left to release
        }
    }

    @Override
    public void close() {
        routerConnections.values().forEach(DifferentialCluster::close);
        oracleConnections.values().forEach(DifferentialCluster::close);
        router.close();
        shards.forEach(DifferentialCluster::close);
    }
}
