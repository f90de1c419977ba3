package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Who gets into the admin console: on its own port, and on the router's port under a console
 * database name (dbname=spqr-console, as SPQR allows) by the same console rules; and that the
 * console port serves no client database.
 */
class ConsoleAccessTest {
    private static final String ADMIN_PASSWORD = "s3cret";
    private static final String AUDITOR_PASSWORD = "aud1t";
    private static RouterServer router;

    @BeforeAll
    static void start() throws Exception {
        router = RouterServer.start(RouterConfig.builder()
                .host("127.0.0.1").routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(FrontendRule.console("admin", new AuthRule(AuthMethod.MD5, ADMIN_PASSWORD)))
                .frontendRule(FrontendRule.console("auditor", new AuthRule(AuthMethod.SCRAM, AUDITOR_PASSWORD)))
                .frontendRule(FrontendRule.of("app", "app", AuthRule.ok()))
                .backendRule(BackendRule.of("app", "app", AuthRule.ok()))
                // Never connected to: these tests stop before a client needs a shard.
                .shard("sh1", ShardConfig.data("127.0.0.1:1"))
                .build());
    }

    @AfterAll
    static void stop() {
        router.close();
    }

    @Test
    void md5ConsoleRuleRefusesAWrongPasswordWith28P01() {
        SQLException refused = catchThrowableOfType(SQLException.class,
                () -> AdminConsole.of(router, "admin", "wrong").connect().close());
        assertThat(refused.getSQLState()).isEqualTo("28P01");
        assertThat(refused.getMessage()).contains("password authentication failed for user \"admin\"");

        ProcessResult psql = AdminConsole.of(router, "admin", "wrong").psql().command("SHOW shards");
        assertThat(psql.exitCode()).isNotZero();
        assertThat(psql.stderr()).contains("password authentication failed for user \"admin\"");
    }

    @Test
    void md5ConsoleRuleAdmitsTheRightPasswordUnderEveryConsoleDatabaseName() throws Exception {
        AdminConsole console = AdminConsole.of(router, "admin", ADMIN_PASSWORD);
        for (String database : FrontendRule.CONSOLE_DATABASES) {
            try (Connection connection = console.connect(database, "extended")) {
                assertThat(AdminConsole.rows(connection, "SHOW shards")).containsExactly(
                        List.of("shard_id", "hosts"), List.of("sh1", "127.0.0.1:1"));
            }
        }
        ProcessResult psql = console.psql().command("SHOW status");
        assertThat(psql.exitCode()).as(psql.stderr()).isZero();
        assertThat(psql.stdout()).isEqualTo("OPEN\n");
    }

    @Test
    void scramConsoleRuleChecksItsOwnUsersPassword() throws Exception {
        try (Connection connection = AdminConsole.of(router, "auditor", AUDITOR_PASSWORD).connect()) {
            assertThat(AdminConsole.rows(connection, "SHOW status")).containsExactly(List.of("status"), List.of("OPEN"));
        }
        SQLException adminsPassword = catchThrowableOfType(SQLException.class,
                () -> AdminConsole.of(router, "auditor", ADMIN_PASSWORD).connect().close());
        assertThat(adminsPassword.getSQLState()).isEqualTo("28P01");
    }

    /** As PostgreSQL's mock authentication: a user without a console rule looks like a wrong password. */
    @ParameterizedTest
    @ValueSource(strings = {"app", "nobody"})
    void aUserWithoutAConsoleRuleIsRefusedLikeAWrongPassword(String user) {
        SQLException refused = catchThrowableOfType(SQLException.class,
                () -> AdminConsole.of(router, user, "whatever").connect().close());
        assertThat(refused.getSQLState()).isEqualTo("28P01");
        assertThat(refused.getMessage()).contains("password authentication failed for user \"" + user + "\"");

        ProcessResult psql = AdminConsole.of(router, user, "whatever").psql().command("SHOW shards");
        assertThat(psql.exitCode()).isNotZero();
        assertThat(psql.stderr()).contains("password authentication failed for user \"" + user + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"spqr-console", "spqr_console", "shardgate_console"})
    void theConsoleDatabaseOnTheRouterPortIsTheConsoleUnderItsRules(String database) throws Exception {
        try (Connection connection = DriverManager.getConnection(AdminConsole.jdbcUrl("127.0.0.1", router.port(), database),
                AdminConsole.properties("admin", ADMIN_PASSWORD, "extended"))) {
            assertThat(AdminConsole.rows(connection, "SHOW shards")).containsExactly(
                    List.of("shard_id", "hosts"), List.of("sh1", "127.0.0.1:1"));
        }
        ProcessResult psql = new Psql("127.0.0.1", router.port(), "auditor", AUDITOR_PASSWORD, database).command("SHOW status");
        assertThat(psql.exitCode()).as(psql.stderr()).isZero();
        assertThat(psql.stdout()).isEqualTo("OPEN\n");

        SQLException wrongPassword = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
                AdminConsole.jdbcUrl("127.0.0.1", router.port(), database),
                AdminConsole.properties("admin", "wrong", "extended")).close());
        assertThat(wrongPassword.getSQLState()).isEqualTo("28P01");
        assertThat(wrongPassword.getMessage()).contains("password authentication failed for user \"admin\"");
    }

    /** A client of the router is no console user: on the router port too, it is refused like a wrong password. */
    @Test
    void aClientUserOfTheRouterPortIsNoConsoleUser() {
        SQLException refused = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
                AdminConsole.jdbcUrl("127.0.0.1", router.port(), "spqr-console"),
                AdminConsole.properties("app", "whatever", "extended")).close());
        assertThat(refused.getSQLState()).isEqualTo("28P01");
        assertThat(refused.getMessage()).contains("password authentication failed for user \"app\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"app", "admin"})
    void aClientDatabaseOnTheConsolePortIsRefused(String user) {
        SQLException refused = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(
                AdminConsole.jdbcUrl("127.0.0.1", router.consolePort(), "app"),
                AdminConsole.properties(user, ADMIN_PASSWORD, "extended")).close());
        if (user.equals("admin")) {
            // a console user with its password learns that the database is not the console's
            assertThat(refused.getSQLState()).isEqualTo("28000");
            assertThat(refused.getMessage()).contains("database \"app\"");
        } else {
            // a user unknown to the console cannot tell that from a wrong password
            assertThat(refused.getSQLState()).isEqualTo("28P01");
        }
    }
}
