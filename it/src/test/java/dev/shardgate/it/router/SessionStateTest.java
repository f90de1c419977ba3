package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TRANSACTION mode with a single backend: two clients take turns on one server session, and each
 * must still see only its own reported parameters (application_name, TimeZone).
 */
@RealPostgres(servers = 2)
@Timeout(60)
class SessionStateTest {
    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_state");
        router = RunningRouter.start(RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, 1));
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    private static Connection client(String applicationName) throws SQLException {
        return router.connect(account, Map.of("ApplicationName", applicationName));
    }

    @Test
    void aSetByOneClientIsNotSeenByAnotherOnTheSameBackend() throws SQLException {
        try (Connection a = client("client-a"); Connection b = client("client-b")) {
            assertThat(Sql.single(a, "select pg_backend_pid()")).isEqualTo(Sql.single(b, "select pg_backend_pid()"));

            Sql.execute(a, "SET application_name = 'a1'");
            assertThat(Sql.single(b, "show application_name")).isEqualTo("client-b");
            assertThat(Sql.single(a, "show application_name")).isEqualTo("a1");

            Sql.execute(b, "SET application_name = 'b1'");
            assertThat(Sql.single(a, "show application_name")).isEqualTo("a1");
            assertThat(Sql.single(b, "show application_name")).isEqualTo("b1");
            assertThat(Sql.single(a, "select pg_backend_pid()")).isEqualTo(Sql.single(b, "select pg_backend_pid()"));
        }
    }

    @Test
    void timeZoneFollowsEachClient() throws SQLException {
        try (Connection a = client("tz-a"); Connection b = client("tz-b")) {
            String original = Sql.single(b, "show TimeZone");
            Sql.execute(a, "SET TimeZone = 'Asia/Tokyo'");
            assertThat(Sql.single(b, "show TimeZone")).isEqualTo(original);
            assertThat(Sql.single(a, "select extract(timezone_hour from now())")).isEqualTo("9");
            assertThat(Sql.single(b, "show TimeZone")).isEqualTo(original);
        }
    }

    @Test
    void setLocalEndsWithItsTransaction() throws SQLException {
        try (Connection a = client("local-a"); Connection b = client("local-b")) {
            Sql.execute(a, "SET application_name = 'a-session'");
            a.setAutoCommit(false);
            Sql.execute(a, "SET LOCAL application_name = 'a-local'");
            assertThat(Sql.single(a, "show application_name")).isEqualTo("a-local");
            a.commit();
            a.setAutoCommit(true);
            assertThat(Sql.single(a, "show application_name")).isEqualTo("a-session");
            assertThat(Sql.single(b, "show application_name")).isEqualTo("local-b");
        }
    }

    private static final String A_STATEMENT_PREPARED =
            "select count(*) from pg_prepared_statements where statement = 'select $1::int * $2::int'";

    /** DISCARD ALL and DEALLOCATE ALL by one client drop the server-side statements another client relies on. */
    @Test
    void anotherClientsDiscardAllDoesNotBreakMyPreparedStatements() throws SQLException {
        try (Connection a = router.connect(account, Map.of("prepareThreshold", "1"));
                Connection b = router.connect(account, Map.of("preferQueryMode", "simple"));
                PreparedStatement square = a.prepareStatement("select ?::int * ?::int")) {
            for (String discard : new String[] {"DISCARD ALL", "DEALLOCATE ALL"}) {
                for (int i = 1; i <= 3; i++) {
                    square.setInt(1, i);
                    square.setInt(2, i);
                    try (ResultSet rows = square.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getInt(1)).isEqualTo(i * i);
                    }
                }
                assertThat(Sql.single(b, A_STATEMENT_PREPARED)).as("a's statement, seen by b").isEqualTo("1");
                Sql.execute(b, discard);
                // DEALLOCATE ALL reaches the shared backend and drops a's statement there; DISCARD ALL
                // between transactions only resets b's own session state in the router.
                assertThat(Sql.single(b, A_STATEMENT_PREPARED)).isEqualTo(discard.equals("DISCARD ALL") ? "1" : "0");
                square.setInt(1, 7);
                square.setInt(2, 6);
                try (ResultSet rows = square.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).as("after b's " + discard).isEqualTo(42);
                }
            }
        }
    }

    /** On PostgreSQL, RESET goes back to the value of the client's startup packet; through the router too. */
    @Test
    void resetGoesBackToTheClientsStartupValue() throws SQLException {
        Properties direct = new Properties();
        direct.setProperty("user", account.user());
        direct.setProperty("password", account.password());
        direct.setProperty("ApplicationName", "reset-direct");
        try (Connection onShard = DriverManager.getConnection(shard.jdbcUrl(account.database()), direct)) {
            Sql.execute(onShard, "SET application_name = 'changed'");
            Sql.execute(onShard, "RESET application_name");
            assertThat(Sql.single(onShard, "show application_name")).as("PostgreSQL itself").isEqualTo("reset-direct");
        }
        try (Connection a = client("reset-a"); Connection b = client("reset-b")) {
            Sql.execute(a, "SET application_name = 'changed'");
            Sql.execute(a, "RESET application_name");
            assertThat(Sql.single(a, "show application_name")).isEqualTo("reset-a");
            assertThat(Sql.single(b, "show application_name")).isEqualTo("reset-b");
            assertThat(Sql.single(a, "show application_name")).isEqualTo("reset-a");
        }
    }
}
