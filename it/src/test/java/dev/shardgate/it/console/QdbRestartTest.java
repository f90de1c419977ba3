package dev.shardgate.it.console;

import static dev.shardgate.it.console.AdminConsole.execute;
import static dev.shardgate.it.console.AdminConsole.metadata;
import static dev.shardgate.it.console.AdminConsole.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A router with qdb_file keeps its metadata across a restart, and refuses a file it cannot read. */
@RealPostgres(servers = 2)
class QdbRestartTest {
    private static final String APP = "console_restart";
    private static final String ADMIN = "admin";

    @TempDir
    Path dir;

    @Test
    void metadataSurvivesARestartAndRoutesKeyedStatements(PostgresServers servers) throws Exception {
        for (LocalPostgres server : servers.all().subList(0, 2)) {
            server.createUser(APP, null);
            server.createDatabase(APP, APP);
            server.psql(APP, "DROP TABLE IF EXISTS orders;\nCREATE TABLE orders (id int PRIMARY KEY, note text);\n"
                    + "ALTER TABLE orders OWNER TO " + APP + ";\n");
        }
        Path qdbFile = dir.resolve("qdb.yaml");
        RouterConfig config = config(qdbFile,
                ShardConfig.data(servers.get(0).host() + ":" + servers.get(0).port()),
                ShardConfig.data(servers.get(1).host() + ":" + servers.get(1).port()));

        Map<String, List<List<String>>> before;
        String psqlBefore;
        try (RouterServer router = RouterServer.start(config)) {
            AdminConsole console = AdminConsole.of(router, ADMIN, null);
            ProcessResult setup = console.psql().script(Resources.text("restart_setup.sql"));
            assertThat(setup.exitCode()).as(setup.stderr()).isZero();
            try (Connection connection = console.connect()) {
                execute(connection, "CREATE DISTRIBUTION ds2 COLUMN TYPES varchar hash, uuid");
                execute(connection, "ALTER DISTRIBUTION ds2 ATTACH RELATION sales.tickets DISTRIBUTION KEY region "
                        + "HASH FUNCTION murmur, ticket_id");
                execute(connection, "CREATE KEY RANGE kt1 FROM 0, '00000000-0000-0000-0000-000000000000' ROUTE TO sh3 "
                        + "FOR DISTRIBUTION ds2");
                execute(connection, "CREATE REFERENCE RELATION geo.countries ON sh1, sh3");
                before = metadata(connection);
            }
            psqlBefore = showAll(console);
        }
        assertThat(before.get("key_ranges")).containsExactlyInAnyOrder(
                List.of("key_range_id", "shard_id", "distribution_id", "lower_bound", "locked"),
                List.of("kr1", "sh1", "ds1", "0", "false"),
                List.of("kr3", "sh1", "ds1", "500", "true"),
                List.of("kr2", "sh2", "ds1", "1000", "false"),
                List.of("kt1", "sh3", "ds2", "0, '00000000-0000-0000-0000-000000000000'", "false"));
        assertThat(before.get("shards")).extracting(row -> row.get(0)).containsExactly("shard_id", "sh1", "sh2", "sh3");
        assertThat(before.get("distributions")).hasSize(3);
        assertThat(before.get("relations")).hasSize(3);
        assertThat(before.get("reference_relations")).hasSize(3);
        assertThat(qdbFile).isRegularFile();

        try (RouterServer router = RouterServer.start(config)) {
            AdminConsole console = AdminConsole.of(router, ADMIN, null);
            assertThat(console.metadata()).isEqualTo(before);
            assertThat(showAll(console)).isEqualTo(psqlBefore);

            try (Connection client = DriverManager.getConnection(
                    AdminConsole.jdbcUrl(config.host(), router.port(), APP), AdminConsole.properties(APP, null, "extended"))) {
                execute(client, "INSERT INTO orders (id, note) VALUES (10, 'kr1')");
                execute(client, "INSERT INTO orders (id, note) VALUES (1500, 'kr2')");
                assertThat(rows(client, "SELECT note FROM orders WHERE id = 1500")).containsExactly(List.of("note"), List.of("kr2"));
                // kr3 was locked before the restart and still is: keys in it wait, then fail.
                SQLException locked = catchThrowableOfType(SQLException.class,
                        () -> execute(client, "INSERT INTO orders (id, note) VALUES (700, 'kr3')"));
                assertThat(locked.getSQLState()).isEqualTo("55P03");
                assertThat(locked.getMessage()).contains("kr3");
            }
        }
        assertThat(servers.get(0).psql(APP, "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM orders")).isEqualTo("10:kr1");
        assertThat(servers.get(1).psql(APP, "SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM orders")).isEqualTo("1500:kr2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "empty", "not a qdb", "truncated"})
    void aCorruptQdbFileStopsTheStartNamingTheFile(String damage) throws Exception {
        Path qdbFile = dir.resolve("qdb.yaml");
        RouterConfig config = config(qdbFile, ShardConfig.data("127.0.0.1:1"), ShardConfig.data("127.0.0.1:2"));
        try (RouterServer router = RouterServer.start(config)) {
            AdminConsole console = AdminConsole.of(router, ADMIN, null);
            ProcessResult setup = console.psql().script(Resources.text("restart_setup.sql"));
            assertThat(setup.exitCode()).as(setup.stderr()).isZero();
        }
        String good = Files.readString(qdbFile);
        String bad = switch (damage) {
            case "garbage" -> "{{{ this is : not [ yaml";
            case "empty" -> "";
            case "not a qdb" -> "hello: world\n";
            case "truncated" -> good.substring(0, good.length() / 2);
            default -> throw new IllegalArgumentException(damage);
        };
        Files.writeString(qdbFile, bad);

        assertThatThrownBy(() -> RouterServer.start(config).close())
                .hasMessageContaining(qdbFile.toString());
        assertThat(qdbFile).as("the router must not overwrite a file it could not read").hasContent(bad);

        // The failed start let go of the file: once repaired, it opens with everything in it.
        Files.writeString(qdbFile, good);
        try (RouterServer router = RouterServer.start(config)) {
            assertThat(AdminConsole.of(router, ADMIN, null).metadata().get("key_ranges")).hasSize(4);
        }
    }

    private static RouterConfig config(Path qdbFile, ShardConfig sh1, ShardConfig sh2) {
        return RouterConfig.builder()
                .host("127.0.0.1").routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .qdbFile(qdbFile)
                .lockWaitTimeout(Duration.ofMillis(300))
                .frontendRule(FrontendRule.console(ADMIN, AuthRule.ok()))
                .frontendRule(FrontendRule.of(APP, APP, AuthRule.ok()))
                .backendRule(BackendRule.of(APP, APP, AuthRule.ok()))
                .shard("sh1", sh1)
                .shard("sh2", sh2)
                .build();
    }

    /** What psql prints for every metadata SHOW. */
    private static String showAll(AdminConsole console) {
        ProcessResult shown = console.psql().script(
                String.join("", AdminConsole.METADATA.stream().map(target -> "SHOW " + target + ";\n").toList()));
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        return shown.stdout();
    }
}
