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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router as an operator starts it, in a JVM of its own: with the JDK internals the event loops
 * need (what the jar's manifest grants) its sessions run on the loops; without them it says so once
 * and serves the same clients on the JDK's own scheduler.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class EventLoopFlagsTest {
    private static final String USER = "loop_user";
    private static final String DATABASE = "loop_db";

    @Test
    void withTheFlagsSessionsRunOnTheLoopsAndWithoutThemOnTheJdkScheduler(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        shard.createUser(USER, "unused");
        shard.createDatabase(DATABASE, USER);
        shard.psql(DATABASE, "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one'), (2, 'two'); ALTER TABLE t OWNER TO " + USER);

        int port = ShardgateProcess.freePort();
        try (ShardgateProcess router = launch(servers, port, false)) {
            assertThat(answers(port)).containsExactly("one", "two");
            assertThat(router.logText()).contains("event=event_loops_started count=2")
                    .doesNotContain("event_loops_unavailable");
        }
        try (ShardgateProcess router = launch(servers, port, true)) {
            assertThat(answers(port)).containsExactly("one", "two");
            assertThat(router.logText()).contains("event=event_loops_unavailable")
                    .contains("--add-opens java.base/java.lang=ALL-UNNAMED")
                    .doesNotContain("event_loops_started");
        }
    }

    private static ShardgateProcess launch(PostgresServers servers, int port, boolean withoutFlags) throws Exception {
        Path directory = Files.createTempDirectory("event-loop-router");
        String yaml = ShardgateProcess.trustingRouterYaml(port, DATABASE, USER, """
                event_loops: 2
                default_route_behaviour: ALLOW""", servers.routerShardsYaml());
        ShardgateProcess router = ShardgateProcess.prepare("router", directory, "router", yaml, port, List.of("-Xmx256m"));
        if (withoutFlags) {
            router.withoutEventLoopFlags();
        }
        router.start();
        return router;
    }

    /** Several statements over pgjdbc's extended protocol, then the rows of a plain SELECT. */
    private static List<String> answers(int port) throws Exception {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, USER, "unused")) {
            for (int i = 0; i < 20; i++) {
                assertThat(Jdbc.number(connection, "SELECT count(*) FROM t")).isEqualTo(2);
            }
            return Jdbc.column(connection, "SELECT v FROM t ORDER BY id");
        }
    }
}
