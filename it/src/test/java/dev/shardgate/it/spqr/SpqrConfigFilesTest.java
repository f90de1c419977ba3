package dev.shardgate.it.spqr;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.it.harness.CapturedLogs;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.RouterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPQR's own example configurations (test resources spqr/*.yaml, written from SPQR's repository
 * and documentation) start a Shardgate router and coordinator that serve clients. Only the ports,
 * shard hosts and etcd address are the test's; every other line is SPQR's. The shards ask for
 * passwords (SCRAM), so that the per-shard {@code usr} and {@code pwd} are seen to be used.
 */
@RealPostgres(servers = 2, auth = AuthMethod.SCRAM)
@Timeout(120)
class SpqrConfigFilesTest {
    @TempDir
    Path dir;

    /**
     * examples/router.yaml: '[localhost]' as host, init_sql turned off by use_init_sql, md5 backend
     * rules whose password the shards do not know, and per-shard db, usr and pwd that they do.
     */
    @Test
    void spqrsExampleRouterYamlStartsARouterThatLogsInToEachShardAsItsSectionSays(PostgresServers servers) throws Exception {
        for (LocalPostgres shard : servers.all()) {
            shard.createUser("user1", "12345678");
            shard.createDatabase("db1", "user1");
        }
        Path file = write("router.yaml", Map.of(
                "'8432'", "'0'", "'8433'", "'0'", "'7001'", "'0'",
                "'localhost:5550'", "'" + hostOf(servers.get(0)) + "'",
                "'localhost:5551'", "'" + hostOf(servers.get(1)) + "'"));
        RouterConfig config;
        List<String> logged;
        try (CapturedLogs logs = CapturedLogs.at(Level.INFO)) {
            config = RouterConfig.load(file);
            logged = logs.lines();
        }
        for (String key : List.of("world_shard_fallback", "workload_file", "workload_batch_size", "time_quantiles")) {
            assertThat(logged.stream().filter(line -> line.contains("event=config_key_ignored")
                    && line.contains(" key=" + key + " ")).toList()).as("log lines for " + key).hasSize(1);
        }
        assertThat(logged).anyMatch(line -> line.contains("event=config_password_unused")
                && line.contains("key=frontend_rules[0].auth_rule.password"));
        assertThat(config.initSqlFile()).as("use_init_sql: false").isNull();

        try (RouterServer router = RouterServer.start(config);
             Connection client = connect(router.port(), "db1", "user1")) {
            assertThat(row(client, "/*__spqr__execute_on: sh1*/ SELECT current_user, current_database()"))
                    .containsExactly("user1", "db1");
            assertThat(row(client, "/*__spqr__execute_on: sh2*/ SELECT current_user, current_database()"))
                    .containsExactly("user1", "db1");
        }
    }

    /** A shard's usr, pwd and db, and a backend rule's auth_rules, are who the router is on that shard. */
    @Test
    void aShardsOwnUserAndDatabaseAreWhatTheClientFindsThere(PostgresServers servers) throws Exception {
        LocalPostgres first = servers.get(0);
        LocalPostgres second = servers.get(1);
        first.createUser("spqr_owner", "owner-pw");
        first.createDatabase("spqr_shard_db", "spqr_owner");
        second.createUser("spqr_writer", "writer-pw");
        second.createDatabase("spqr_app", "spqr_writer");
        RouterConfig config = RouterConfig.parse("""
                host: '[127.0.0.1]'
                router_port: 0
                admin_console_port: 0
                frontend_rules:
                  - {db: spqr_app, usr: spqr_client, auth_rule: {auth_method: ok}}
                backend_rules:
                  - db: spqr_app
                    usr: spqr_client
                    auth_rule: {auth_method: md5, password: not-known-to-the-shards}
                    auth_rules:
                      sh2: {usr: spqr_writer, password: writer-pw}
                shards:
                  sh1: {hosts: ['%s'], db: spqr_shard_db, usr: spqr_owner, pwd: owner-pw}
                  sh2: {hosts: ['%s']}
                """.formatted(hostOf(first), hostOf(second)), "router.yaml");
        try (RouterServer router = RouterServer.start(config);
             Connection client = connect(router.port(), "spqr_app", "spqr_client")) {
            assertThat(row(client, "/*__spqr__execute_on: sh1*/ SELECT current_user, current_database()"))
                    .containsExactly("spqr_owner", "spqr_shard_db");
            assertThat(row(client, "/*__spqr__execute_on: sh2*/ SELECT current_user, current_database()"))
                    .containsExactly("spqr_writer", "spqr_app");
        }
    }

    /**
     * The Router + Coordinator deployment guide, step by step: its coordinator.yaml on etcd, its
     * router.yaml, its console commands and REGISTER ROUTER, then a client of the router whose rows
     * land on the shards the key ranges name.
     */
    @Test
    void theDeploymentGuidesCoordinatorAndRouterServeItsShardedTable(PostgresServers servers) throws Exception {
        for (LocalPostgres shard : servers.all()) {
            shard.createUser("myuser", "backend_password");
            shard.createDatabase("mydb", "myuser");
            shard.psql("mydb", "DROP TABLE IF EXISTS orders; CREATE TABLE orders (id integer PRIMARY KEY, note text);"
                    + " ALTER TABLE orders OWNER TO myuser;");
        }
        try (LocalEtcd etcd = LocalEtcd.start()) {
            CoordinatorConfig coordinatorConfig = CoordinatorConfig.load(write("deployment-coordinator.yaml",
                    Map.of("'7002'", "'0'", "'7003'", "'0'", "'localhost:2379'", "'" + etcd.endpoint() + "'")));
            Coordinator coordinator = Coordinator.start(coordinatorConfig, "test");
            try (coordinator;
                 RouterServer router = RouterServer.start(RouterConfig.load(write("deployment-router.yaml",
                         Map.of("'6432'", "'0'", "'7432'", "'0'", "'7010'", "'0'"))))) {
                await(coordinator::isActive);
                try (Connection console = connect(coordinator.consolePort(), "spqr_console", "admin", "simple");
                     Statement statement = console.createStatement()) {
                    for (String command : List.of(
                            "CREATE SHARD shard1 OPTIONS (HOST '" + hostOf(servers.get(0)) + "')",
                            "CREATE SHARD shard2 OPTIONS (HOST '" + hostOf(servers.get(1)) + "')",
                            "CREATE DISTRIBUTION ds1 COLUMN TYPES integer",
                            "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id",
                            "CREATE KEY RANGE krid2 FROM 10000 ROUTE TO shard2 FOR DISTRIBUTION ds1",
                            "CREATE KEY RANGE krid1 FROM 0 ROUTE TO shard1 FOR DISTRIBUTION ds1",
                            "REGISTER ROUTER router1 ADDRESS '[localhost]:" + router.grpcApiPort() + "'")) {
                        statement.execute(command);
                    }
                }
                await(() -> router.context().metadata().keyRanges().size() == 2);
                try (Connection client = connect(router.port(), "mydb", "myuser");
                     Statement statement = client.createStatement()) {
                    statement.execute("INSERT INTO orders (id, note) VALUES (7, 'first range')");
                    statement.execute("INSERT INTO orders (id, note) VALUES (10007, 'second range')");
                }
                assertThat(servers.get(0).psql("mydb", "SELECT id FROM orders")).isEqualTo("7");
                assertThat(servers.get(1).psql("mydb", "SELECT id FROM orders")).isEqualTo("10007");
            }
        }
    }

    /** SPQR's examples/coordinator.yaml: its shard_data is SPQR's own and is only logged as such. */
    @Test
    void spqrsExampleCoordinatorYamlLoads() throws Exception {
        CoordinatorConfig config;
        List<String> logged;
        try (CapturedLogs logs = CapturedLogs.at(Level.INFO)) {
            config = CoordinatorConfig.load(write("coordinator.yaml", Map.of()));
            logged = logs.lines();
        }
        assertThat(config.coordinatorPort()).isEqualTo(7002);
        assertThat(config.grpcApiPort()).isEqualTo(7003);
        assertThat(config.qdbAddr()).isEqualTo("localhost:2379");
        assertThat(logged).filteredOn(line -> line.contains("event=config_key_ignored") && line.contains("key=shard_data"))
                .hasSize(1);
    }

    /** The resource with each key of {@code replaced} changed to its value, written to the test's directory. */
    private Path write(String resource, Map<String, String> replaced) throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/spqr/" + resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (var change : replaced.entrySet()) {
            assertThat(text).as(resource).contains(change.getKey());
            text = text.replace(change.getKey(), change.getValue());
        }
        return Files.writeString(dir.resolve(resource), text);
    }

    private static String hostOf(LocalPostgres server) {
        return server.host() + ":" + server.port();
    }

    private static Connection connect(int port, String database, String user) throws SQLException {
        return connect(port, database, user, "extended");
    }

    private static Connection connect(int port, String database, String user, String mode) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("preferQueryMode", mode);
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, properties);
    }

    private static List<String> row(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                values.add(rows.getString(i));
            }
            return values;
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited 15 s").isNegative();
            Thread.sleep(50);
        }
    }
}
