package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Refused console statements over the wire: the client gets the SQLSTATE a PostgreSQL user would
 * expect, the session goes on, and the metadata is exactly as it was — nothing half-applied.
 */
@RealPostgres(servers = 1)
class ConsoleErrorsTest {
    private static final String SETUP = """
            CREATE DISTRIBUTION ds COLUMN TYPES integer;
            ALTER DISTRIBUTION ds ATTACH RELATION orders DISTRIBUTION KEY id;
            CREATE KEY RANGE kr4 FROM 2000 ROUTE TO sh2;
            CREATE KEY RANGE kr3 FROM 1000 ROUTE TO sh1;
            CREATE KEY RANGE kr2 FROM 100 ROUTE TO sh1;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1;
            CREATE REFERENCE TABLE currencies;
            """;

    private RouterServer router;
    private AdminConsole console;
    private Map<String, List<List<String>>> before;

    @BeforeEach
    void start() throws Exception {
        router = RouterServer.start(RouterConfig.builder()
                .host("127.0.0.1").routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(FrontendRule.console("admin", AuthRule.ok()))
                .frontendRule(FrontendRule.of("app", "app", AuthRule.ok()))
                .backendRule(BackendRule.of("app", "app", AuthRule.ok()))
                .shard("sh1", ShardConfig.data("127.0.0.1:1"))
                .shard("sh2", ShardConfig.data("127.0.0.1:2"))
                .build());
        console = AdminConsole.of(router, "admin", null);
        ProcessResult setup = console.psql().script(SETUP);
        assertThat(setup.exitCode()).as(setup.stderr()).isZero();
        before = console.metadata();
        assertThat(before.get("key_ranges")).hasSize(5);
    }

    @AfterEach
    void stop() {
        router.close();
    }

    static Stream<Arguments> refusals() {
        List<Arguments> cases = List.of(
                Arguments.of("CREATE KEY RANGE dup FROM 100 ROUTE TO sh2", "42710", "key range dup equals key range kr2 in QDB"),
                Arguments.of("CREATE KEY RANGE kr9 FROM 500 ROUTE TO sh2", "42P17", "key range kr9 intersects with key range kr2 in QDB"),
                Arguments.of("CREATE KEY RANGE kr1 FROM 5000 ROUTE TO sh2", "42710", "key range \"kr1\" already exists"),
                Arguments.of("CREATE KEY RANGE kr9 FROM 5000 ROUTE TO sh9", "42704", "shard \"sh9\" does not exist"),
                Arguments.of("MOVE KEY RANGE kr1 TO sh9", "42704", "shard \"sh9\" does not exist"),
                Arguments.of("DROP SHARD sh1", "2BP01", "cannot drop shard \"sh1\" because other objects depend on it"),
                Arguments.of("DROP DISTRIBUTION ds", "2BP01", "use CASCADE"),
                Arguments.of("UNITE KEY RANGE kr1 WITH kr3", "55000", "not adjacent"),
                Arguments.of("SPLIT KEY RANGE kr9 FROM kr1 BY 150", "22023", "split bound 150 is not inside key range \"kr1\""),
                Arguments.of("SPLIT KEY RANGE kr9 FROM kr2 BY 100", "22023", "split bound 100 is not inside key range \"kr2\""),
                Arguments.of("SPLIT KEY RANGE kr9 FROM kr4 BY 1500", "22023", "split bound 1500 is not inside key range \"kr4\""));
        return inBothQueryModes(cases);
    }

    /** Queries of three statements whose third is refused; pgjdbc splits them, psql -c does not. */
    static Stream<Arguments> refusedThirdStatements() {
        return inBothQueryModes(List.of(
                Arguments.of("CREATE SHARD sh3 WITH HOSTS 'pg3:5432'; CREATE KEY RANGE kr8 FROM -5000 ROUTE TO sh3; "
                        + "CREATE KEY RANGE kr9 FROM -6000 ROUTE TO sh9", "42704", "shard \"sh9\" does not exist"),
                Arguments.of("DROP KEY RANGE kr4; DROP SHARD sh2; SHOW shards WHERE nope = 'x'", "42703",
                        "column \"nope\" does not exist"),
                Arguments.of("CREATE SHARD sh3 WITH HOSTS 'pg3:5432'; DROP KEY RANGE kr4; CREATE KEY RANG kr9 FROM 5 ROUTE TO sh1",
                        "42601", "syntax error at or near \"RANG\"")));
    }

    private static Stream<Arguments> inBothQueryModes(List<Arguments> cases) {
        List<Arguments> all = new ArrayList<>();
        for (String mode : List.of("simple", "extended")) {
            cases.forEach(c -> all.add(Arguments.of(mode, c.get()[0], c.get()[1], c.get()[2])));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("refusals")
    void aRefusedQueryChangesNothing(String queryMode, String sql, String sqlState, String message) throws Exception {
        try (Connection connection = console.connect(queryMode)) {
            PSQLException refused = catchThrowableOfType(PSQLException.class, () -> AdminConsole.execute(connection, sql));
            assertThat((Throwable) refused).as(sql).isNotNull();
            assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo(sqlState);
            assertThat(refused.getMessage()).contains(message);
            // The session goes on, and sees what everyone sees: the metadata from before.
            assertThat(AdminConsole.metadata(connection)).isEqualTo(before);
        }
        assertThat(console.metadata()).isEqualTo(before);
    }

    /**
     * In extended mode pgjdbc sends the three statements as three Parse/Bind/Execute before one
     * Sync; PostgreSQL runs everything up to the Sync as one implicit transaction, so the first two
     * must be undone as they are for a simple Query.
     */
    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("refusedThirdStatements")
    void aQueryWhoseThirdStatementIsRefusedChangesNothing(String queryMode, String sql, String sqlState, String message)
            throws Exception {
        aRefusedQueryChangesNothing(queryMode, sql, sqlState, message);
    }

    /** The behaviour the console must match, shown by PostgreSQL itself for the same pgjdbc calls. */
    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void postgresUndoesTheFirstTwoStatementsWhenTheThirdFails(String queryMode, PostgresServers servers) throws Exception {
        LocalPostgres server = servers.get(0);
        server.psql("postgres", "DROP TABLE IF EXISTS implicit_a, implicit_b");
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"),
                AdminConsole.properties(LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD, queryMode))) {
            PSQLException refused = catchThrowableOfType(PSQLException.class, () -> AdminConsole.execute(connection,
                    "CREATE TABLE implicit_a (); CREATE TABLE implicit_b (); SELECT * FROM implicit_missing"));
            assertThat(refused.getSQLState()).isEqualTo("42P01");
        }
        assertThat(server.psql("postgres", "SELECT count(*) FROM pg_class WHERE relname LIKE 'implicit_%'")).isEqualTo("0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"simple", "extended"})
    void aSyntaxErrorCarriesItsPosition(String queryMode) throws Exception {
        String sql = "CREATE KEY RANGE kr9 FRM 5000 ROUTE TO sh2";
        try (Connection connection = console.connect(queryMode)) {
            PSQLException refused = catchThrowableOfType(PSQLException.class, () -> AdminConsole.execute(connection, sql));
            assertThat(refused.getSQLState()).isEqualTo("42601");
            ServerErrorMessage error = refused.getServerErrorMessage();
            assertThat(error.getMessage()).isEqualTo("syntax error at or near \"FRM\"");
            assertThat(error.getPosition()).isEqualTo(sql.indexOf("FRM") + 1);
            assertThat(AdminConsole.metadata(connection)).isEqualTo(before);
        }
    }

    @Test
    void aSyntaxErrorInTheThirdStatementOfOneQueryRunsNothingAndPointsIntoTheWholeText() throws Exception {
        String sql = "CREATE SHARD sh3 WITH HOSTS 'pg3:5432'; DROP KEY RANGE kr4; CREATE KEY RANG kr9 FROM 5 ROUTE TO sh1";
        try (Connection connection = console.connect("simple")) {
            PSQLException refused = catchThrowableOfType(PSQLException.class, () -> AdminConsole.execute(connection, sql));
            assertThat(refused.getSQLState()).isEqualTo("42601");
            assertThat(refused.getServerErrorMessage().getPosition()).isEqualTo(sql.indexOf("RANG kr9") + 1);
        }
        assertThat(console.metadata()).isEqualTo(before);
    }

    @Test
    void psqlSendsAMultiStatementCommandAsOneQueryAndTheFailingThirdUndoesTheFirstTwo() throws Exception {
        ProcessResult psql = console.psql().command(
                "CREATE SHARD sh3 WITH HOSTS 'pg3:5432'; CREATE KEY RANGE kr8 FROM -5000 ROUTE TO sh3; "
                        + "UNITE KEY RANGE kr1 WITH kr3");
        assertThat(psql.exitCode()).isNotZero();
        assertThat(psql.stderr()).contains("cannot unite key ranges \"kr1\" and \"kr3\": they are not adjacent");
        assertThat(console.metadata()).isEqualTo(before);

        ProcessResult shards = console.psql().command("SHOW shards");
        assertThat(shards.stdout()).isEqualTo("sh1|127.0.0.1:1\nsh2|127.0.0.1:2\n");
    }
}
