package dev.shardgate.it.sequence;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.Psql;
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
 * Two shards behind a router whose relation {@code orders} is distributed by {@code id}, an AUTO
 * INCREMENT column: ids alternate between sh1 and sh2 every 50 ({@link #shardOf}), so that any 50
 * consecutive ids touch both shards however far earlier tests moved the sequence. The router takes
 * blocks of 10 ids, so that tests cross block boundaries. Each shard has its own {@code orders} table.
 */
final class SequenceCluster implements AutoCloseable {
    static final String USER = "sequences";
    static final int BLOCK_SIZE = 10;
    static final int RANGE_WIDTH = 50;
    private static final int RANGES = 400;

    static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            CREATE DISTRIBUTED RELATION orders (id) AUTO INCREMENT id IN ds1;
            """ + java.util.stream.IntStream.range(0, RANGES)
            .mapToObj(i -> "CREATE KEY RANGE kr" + i + " FROM " + i * RANGE_WIDTH + " ROUTE TO sh" + (1 + i % 2)
                    + " FOR DISTRIBUTION ds1;\n")
            .collect(java.util.stream.Collectors.joining());

    /** The index of the shard holding an id: 0 for sh1, 1 for sh2. */
    static int shardOf(long id) {
        return (int) (id / RANGE_WIDTH % 2);
    }

    private final String database;
    private final RouterServer router;
    private final List<Connection> shards;

    private SequenceCluster(String database, RouterServer router, List<Connection> shards) {
        this.database = database;
        this.router = router;
        this.shards = shards;
    }

    static SequenceCluster start(PostgresServers servers, String database) throws SQLException, IOException {
        Path init = Files.createTempFile("sequence-init", ".sql");
        Files.writeString(init, METADATA);
        RouterConfig.Builder config = RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(new FrontendRule(database, USER, PoolMode.TRANSACTION, AuthRule.ok(), false))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(database, USER, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true, AuthRule.ok(), false))
                .initSqlFile(init)
                .sequenceBlockSize(BLOCK_SIZE);
        List<Connection> direct = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            server.createUser(USER, null);
            server.createDatabase(database, USER);
            direct.add(DriverManager.getConnection(server.jdbcUrl(database), properties()));
            config.shard("sh" + (i + 1), ShardConfig.data(server.host() + ":" + server.port()));
        }
        return new SequenceCluster(database, RouterServer.start(config.build()), direct);
    }

    private static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        return properties;
    }

    /** A pgjdbc connection to the router: simple query protocol, or the extended one with server-prepared statements from the first use. */
    Connection connect(boolean simple) throws SQLException {
        Properties properties = properties();
        properties.setProperty("preferQueryMode", simple ? "simple" : "extended");
        properties.setProperty("prepareThreshold", "1");
        properties.setProperty("socketTimeout", "60");
        return DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":" + router.port() + "/" + database, properties);
    }

    /** psql against the router. */
    Psql psql() {
        return new Psql(LocalPostgres.HOST, router.port(), USER, null, database);
    }

    /** psql against the router's admin console. */
    Psql console() {
        return new Psql(LocalPostgres.HOST, router.consolePort(), USER, null, "shardgate_console");
    }

    Connection shard(int index) {
        return shards.get(index);
    }

    /** Each shard gets an empty {@code orders (id bigint PRIMARY KEY, name text)}. */
    void freshTables() throws SQLException {
        for (Connection shard : shards) {
            Jdbc.execute(shard, "DROP TABLE IF EXISTS orders");
            Jdbc.execute(shard, "CREATE TABLE orders (id bigint PRIMARY KEY, name text)");
        }
    }

    /** The ids stored on a shard, ascending. */
    List<Long> idsOn(int shard) throws SQLException {
        return Jdbc.column(shards.get(shard), "SELECT id FROM orders ORDER BY id").stream().map(Long::parseLong).toList();
    }

    @Override
    public void close() throws SQLException {
        router.close();
        for (Connection shard : shards) {
            shard.close();
        }
    }
}
