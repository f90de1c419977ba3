package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.ShardgateProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/shardgate router}, the way an operator starts a router: the launcher's JVM defaults
 * (Serial collector, 32 MB initial and 512 MB maximum heap) reach the JVM,
 * and what a user puts in JAVA_OPTS wins over them. The router logs the settings it runs with.
 */
@RealPostgres(servers = 1)
@Timeout(180)
class LauncherTest {
    private static final String USER = "launcher_user";
    private static final String DATABASE = "launcher_db";
    private static final Path SCRIPT = Path.of("..", "bin", "shardgate").toAbsolutePath().normalize();

    @Test
    void theLauncherSetsTheMemoryDefaultsAndJavaOptsOverrideThem(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        shard.createUser(USER, "unused");
        shard.createDatabase(DATABASE, USER);
        shard.psql(DATABASE, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one'); ALTER TABLE t OWNER TO " + USER);
        Path directory = Files.createTempDirectory("launcher-router");
        Path jar = ShardgateProcess.classPathJar(directory);

        assertThat(settingsLine(servers, directory, jar, Map.of()))
                .contains("gc=Serial heap_initial_mb=32 heap_max_mb=512 compact_object_headers=false");
        // a collector and a heap size of the user's replace the launcher's, other options come after its own
        assertThat(settingsLine(servers, directory, jar, Map.of("JAVA_OPTS", "-XX:+UseG1GC -Xmx300m -XX:+UseCompactObjectHeaders")))
                .contains("gc=G1").contains("heap_max_mb=300").contains("compact_object_headers=true");
        assertThat(settingsLine(servers, directory, jar, Map.of("JAVA_OPTS", "-Xms64m")))
                .contains("gc=Serial heap_initial_mb=64").doesNotContain("heap_max_mb=512");
        // no defaults at all: with the launcher's collector still there, Parallel would be a second one and the JVM would refuse
        assertThat(settingsLine(servers, directory, jar, Map.of("SHARDGATE_JAVA_DEFAULTS", "", "JAVA_OPTS", "-XX:+UseParallelGC")))
                .contains("gc=Parallel").doesNotContain("heap_initial_mb=32 ");
    }

    /** Starts the router through the launcher, checks it serves a query, and returns its event=jvm_settings line. */
    private static String settingsLine(PostgresServers servers, Path directory, Path jar, Map<String, String> environment) {
        int port = ShardgateProcess.freePort();
        String yaml = ShardgateProcess.trustingRouterYaml(port, DATABASE, USER, "default_route_behaviour: ALLOW",
                servers.routerShardsYaml());
        String name = "router-" + port;
        try (ShardgateProcess router = ShardgateProcess.prepare("router", directory, name, yaml, port, List.of())
                .throughLauncherScript(SCRIPT, jar)) {
            router.start(environment);
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, USER, "unused")) {
                assertThat(Jdbc.column(connection, "SELECT v FROM t")).containsExactly("one");
            }
            return router.logText().lines().filter(line -> line.contains("event=jvm_settings")).findFirst()
                    .orElseThrow(() -> new AssertionError("no event=jvm_settings in the router's log:\n" + router.logTail()));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
