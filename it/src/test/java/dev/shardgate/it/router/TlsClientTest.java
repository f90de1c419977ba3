package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.cli.ThrowawayCa;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients reaching the router and its console over TLS, with a CA made at test time: psql and
 * pgjdbc with sslmode=verify-full, SCRAM inside TLS, a rule that refuses plain clients,
 * certificate authentication — each on the event loops and on plain sockets (event_loops: 0).
 */
@RealPostgres(servers = 1)
@Timeout(120)
class TlsClientTest {
    private static final String CONSOLE_USER = "tls_admin";
    private static Path dir;
    private static ThrowawayCa ca;
    private static ThrowawayCa otherCa;
    private static Account scram;
    private static Account tlsOnly;
    private static Account certUser;
    private static RunningRouter onLoops;
    private static RunningRouter onPlainSockets;

    @BeforeAll
    static void start(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        dir = Files.createTempDirectory("shardgate-tls-client");
        ca = ThrowawayCa.authority(dir, "router-test-ca");
        otherCa = ThrowawayCa.authority(dir, "stranger-ca");
        ThrowawayCa.Issued server = ca.server("router");
        Account owner = Account.create(shard, "rt_tls");
        scram = owner.withUser(shard, "rt_tls_scram");
        tlsOnly = owner.withUser(shard, "rt_tls_only");
        certUser = owner.withUser(shard, "rt_tls_cert");
        var tls = new FrontendTlsSettings(SslMode.PREFER,
                new ServerTlsSettings(server.cert(), server.key(), ca.caCert(), "TLSv1.2", List.of()));
        onLoops = RunningRouter.start(config(shard, tls));
        onPlainSockets = RunningRouter.start(config(shard, tls).eventLoops(0));
    }

    private static RouterConfig.Builder config(LocalPostgres shard, FrontendTlsSettings tls) {
        return RunningRouter.configFor(shard).frontendTls(tls)
                .frontendRule(RunningRouter.frontend(scram, PoolMode.TRANSACTION, new AuthRule(AuthMethod.SCRAM, scram.password())))
                .frontendRule(new FrontendRule(tlsOnly.database(), tlsOnly.user(), PoolMode.TRANSACTION,
                        new AuthRule(AuthMethod.MD5, tlsOnly.password()), false, true))
                .frontendRule(RunningRouter.frontend(certUser, PoolMode.TRANSACTION, new AuthRule(AuthMethod.CERT, null)))
                .frontendRule(FrontendRule.console(CONSOLE_USER, AuthRule.ok()))
                .backendRule(RunningRouter.backend(scram, 4, AuthRule.ok()))
                .backendRule(RunningRouter.backend(tlsOnly, 4, AuthRule.ok()))
                .backendRule(RunningRouter.backend(certUser, 4, AuthRule.ok()));
    }

    @AfterAll
    static void stop() {
        Stream.of(onLoops, onPlainSockets).filter(r -> r != null).forEach(RunningRouter::close);
    }

    static Stream<Arguments> routers() {
        return Stream.of(Arguments.of("event loops", onLoops), Arguments.of("event_loops 0", onPlainSockets));
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void psqlVerifyFullWithScramSeesTlsAndRows(String name, RunningRouter router) {
        ProcessResult result = TlsPsql.run(TlsPsql.conninfo(router.port(), scram.user(), scram.database(),
                TlsPsql.verifyFull(ca.caCert())), scram.password(), "\\conninfo", "SELECT 40 + 2");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("SSL connection (protocol: TLSv1.3").contains("42");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void pgjdbcVerifyFullReachesRuleThatRequiresTls(String name, RunningRouter router) throws SQLException {
        try (Connection connection = jdbc(router.port(), tlsOnly, "verify-full");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_user")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(tlsOnly.user());
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void plainClientOfTlsOnlyRuleIsRefusedWith28000NamingTheRule(String name, RunningRouter router) {
        assertThatThrownBy(() -> jdbc(router.port(), tlsOnly, "disable").close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("frontend rule for user \"rt_tls_only\"").contains("requires TLS");
                });
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void clientCertificateWithTheUserNameAsCnLogsIn(String name, RunningRouter router) {
        ThrowawayCa.Issued mine = ca.client("client-" + router.port(), certUser.user());
        ProcessResult result = TlsPsql.run(TlsPsql.conninfo(router.port(), certUser.user(), certUser.database(),
                TlsPsql.verifyFull(ca.caCert()) + " sslcert=" + mine.cert() + " sslkey=" + mine.key()), null, "SELECT current_user");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout().strip()).isEqualTo(certUser.user());
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void clientCertificateOfAnotherUserOrNoneIsRefused(String name, RunningRouter router) {
        ThrowawayCa.Issued someoneElse = ca.client("other-" + router.port(), "rt_tls_scram");
        ProcessResult wrongName = TlsPsql.run(TlsPsql.conninfo(router.port(), certUser.user(), certUser.database(),
                TlsPsql.verifyFull(ca.caCert()) + " sslcert=" + someoneElse.cert() + " sslkey=" + someoneElse.key()), null, "SELECT 1");
        assertThat(wrongName.exitCode()).isNotZero();
        assertThat(wrongName.stderr()).contains("certificate authentication failed for user \"rt_tls_cert\"")
                .contains("CN \"rt_tls_scram\"");
        ProcessResult none = TlsPsql.run(TlsPsql.conninfo(router.port(), certUser.user(), certUser.database(),
                TlsPsql.verifyFull(ca.caCert()) + " sslcert=/nonexistent sslkey=/nonexistent"), null, "SELECT 1");
        assertThat(none.exitCode()).isNotZero();
        assertThat(none.stderr()).contains("no client certificate was sent");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void certificateOfAnUnknownCaIsRefusedInTheHandshake(String name, RunningRouter router) {
        ThrowawayCa.Issued forged = otherCa.client("forged-" + router.port(), certUser.user());
        ProcessResult result = TlsPsql.run(TlsPsql.conninfo(router.port(), certUser.user(), certUser.database(),
                TlsPsql.verifyFull(ca.caCert()) + " sslcert=" + forged.cert() + " sslkey=" + forged.key()), null, "SELECT 1");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).doesNotContain("1");
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void consoleServesPsqlAndPgjdbcWithVerifyFull(String name, RunningRouter router) throws SQLException {
        ProcessResult result = TlsPsql.run(TlsPsql.conninfo(router.consolePort(), CONSOLE_USER, "shardgate_console",
                TlsPsql.verifyFull(ca.caCert())), null, "\\conninfo", "SHOW shards");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).contains("SSL connection (protocol: TLSv1.3").contains(RunningRouter.SHARD);
        Properties properties = sslProperties(CONSOLE_USER, "", "verify-full");
        properties.setProperty("preferQueryMode", "simple");
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + router.consolePort() + "/shardgate_console", properties);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW shards")) {
            assertThat(rows.next()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("routers")
    void megabytesCrossTlsIntactBothWays(String name, RunningRouter router) throws SQLException {
        String big = "0123456789abcdef".repeat(256 * 1024); // 4 MiB: many TLS records, grown buffers
        try (Connection connection = jdbc(router.port(), scram, "verify-full");
             java.sql.PreparedStatement statement = connection.prepareStatement(
                     "SELECT length(?::text), md5(?::text) = md5(repeat('0123456789abcdef', 262144)), "
                             + "repeat('x', 3000000) FROM generate_series(1, 3)")) {
            statement.setString(1, big);
            statement.setString(2, big);
            try (ResultSet rows = statement.executeQuery()) {
                int count = 0;
                while (rows.next()) {
                    count++;
                    assertThat(rows.getInt(1)).isEqualTo(big.length());
                    assertThat(rows.getBoolean(2)).isTrue();
                    String xs = rows.getString(3);
                    assertThat(xs).hasSize(3_000_000);
                    assertThat(xs.chars().allMatch(c -> c == 'x')).isTrue();
                }
                assertThat(count).isEqualTo(3);
            }
        }
    }

    private static Connection jdbc(int port, Account account, String sslmode) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + account.database(),
                sslProperties(account.user(), account.password(), sslmode));
    }

    private static Properties sslProperties(String user, String password, String sslmode) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("sslmode", sslmode);
        properties.setProperty("sslrootcert", ca.caCert().toString());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("loginTimeout", "15");
        return properties;
    }
}
