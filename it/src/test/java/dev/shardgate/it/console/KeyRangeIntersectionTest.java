package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.wire.auth.PasswordExchange;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPQR's rule for CREATE KEY RANGE through the real psql, on a router's console and on the
 * coordinator's: a new range may not have another's bound nor start inside a range of another
 * shard, so key ranges are created from the highest bound down, as SPQR's documentation says.
 */
class KeyRangeIntersectionTest {
    private static final String HOST = "127.0.0.1";
    private static final String USER = "admin";

    private AutoCloseable server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** A console with shards sh1 and sh2 and distribution ds, on a router or on the coordinator. */
    private AdminConsole console(String where) throws Exception {
        AdminConsole console;
        if (where.equals("router")) {
            RouterServer router = RouterServer.start(RouterConfig.builder()
                    .host(HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                    .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                    .frontendRule(FrontendRule.of("app", "app", AuthRule.ok()))
                    .backendRule(BackendRule.of("app", "app", AuthRule.ok()))
                    .shard("sh1", ShardConfig.data("127.0.0.1:1"))
                    .shard("sh2", ShardConfig.data("127.0.0.1:2"))
                    .build());
            server = router;
            console = AdminConsole.of(router, USER, null);
        } else {
            Coordinator coordinator = Coordinator.start(new CoordinatorConfig(HOST, 0, 0, "", "INFO",
                    List.of(new ConsoleRule(AdminConsole.DATABASE, USER, PasswordExchange.Method.TRUST, ""))), "test");
            server = coordinator;
            console = new AdminConsole(HOST, coordinator.consolePort(), USER, null);
            succeeds(console, "CREATE SHARD sh1 WITH HOSTS '127.0.0.1:1';\nCREATE SHARD sh2 WITH HOSTS '127.0.0.1:2';\n");
        }
        succeeds(console, "CREATE DISTRIBUTION ds COLUMN TYPES integer;\n");
        return console;
    }

    @ParameterizedTest
    @ValueSource(strings = {"router", "coordinator"})
    void rangesCreatedFromTheHighestBoundDownAreAccepted(String where) throws Exception {
        AdminConsole console = console(where);

        succeeds(console, """
                CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh1 FOR DISTRIBUTION ds;
                CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds;
                CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds;
                """);

        assertThat(keyRanges(console)).isEqualTo("kr1|sh1|ds|0|false\nkr2|sh2|ds|1000|false\nkr3|sh1|ds|2000|false\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"router", "coordinator"})
    void aRangeInsideARangeOfAnotherShardIsRefused(String where) throws Exception {
        AdminConsole console = console(where);
        succeeds(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds;\n");

        ProcessResult refused = console.psql().script("\\set VERBOSITY verbose\n"
                + "CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds;\n");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains(
                "ERROR:  42P17: key range kr2 intersects with key range kr1 in QDB",
                "DETAIL:  Key range \"kr1\" routes the keys from 0 upward to shard \"sh1\"; "
                        + "key range \"kr2\" would route those from 1000 to shard \"sh2\".",
                "HINT:  Create key ranges from the highest lower bound down;");
        assertThat(keyRanges(console)).isEqualTo("kr1|sh1|ds|0|false\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"router", "coordinator"})
    void anEqualBoundIsRefused(String where) throws Exception {
        AdminConsole console = console(where);
        succeeds(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds;\n");

        ProcessResult refused = console.psql().script("\\set VERBOSITY verbose\n"
                + "CREATE KEY RANGE kr2 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds;\n");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("ERROR:  42710: key range kr2 equals key range kr1 in QDB");
        assertThat(keyRanges(console)).isEqualTo("kr1|sh1|ds|0|false\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"router", "coordinator"})
    void aRangeInsideARangeOfTheSameShardIsAccepted(String where) throws Exception {
        AdminConsole console = console(where);
        succeeds(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds;\n");

        succeeds(console, "CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh1 FOR DISTRIBUTION ds;\n");

        assertThat(keyRanges(console)).isEqualTo("kr1|sh1|ds|0|false\nkr2|sh1|ds|1000|false\n");
    }

    /** psql -c sends the statements as one query: its ranges are one set, like an init_sql file's. */
    @ParameterizedTest
    @ValueSource(strings = {"router", "coordinator"})
    void theRangesOfOneQueryAreOneSet(String where) throws Exception {
        AdminConsole console = console(where);

        ProcessResult oneQuery = console.psql().command("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds; "
                + "CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds");

        assertThat(oneQuery.exitCode()).as(oneQuery.stderr()).isZero();
        assertThat(keyRanges(console)).isEqualTo("kr1|sh1|ds|0|false\nkr2|sh2|ds|1000|false\n");
    }

    private static void succeeds(AdminConsole console, String script) {
        ProcessResult result = console.psql().script(script);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    private static String keyRanges(AdminConsole console) {
        ProcessResult shown = console.psql().command("SHOW key_ranges");
        assertThat(shown.exitCode()).as(shown.stderr()).isZero();
        return shown.stdout();
    }
}
