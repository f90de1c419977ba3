package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ServerCertificate;
import dev.shardgate.cli.ThrowawayCa;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.ShardTlsSettings;
import dev.shardgate.router.config.ShardType;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router logging in to shards that admit TCP clients over TLS only (hostssl lines, SCRAM),
 * with libpq's sslmode: verify-full to a shard whose certificate names it, also to a shard created
 * on the console (shard_tls), 08001 naming the shard and the reason for one signed by an unknown CA
 * or issued for another host name.
 */
@Timeout(120)
class TlsShardTest {
    private static final Path BASE_DIR = Path.of("/tmp", "shardgate-it");
    private static ThrowawayCa ca;
    private static ThrowawayCa stranger;
    private static LocalPostgres shard;
    private static LocalPostgres otherName;
    private static Account account;
    private static Account otherAccount;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("shardgate-tls-shard");
        ca = ThrowawayCa.authority(dir, "shard-ca");
        stranger = ThrowawayCa.authority(dir, "stranger-ca");
        ThrowawayCa.Issued named = ca.server("shard");
        shard = LocalPostgres.start(BASE_DIR, "it-tls-shard", AuthMethod.SCRAM, Map.of(),
                new ServerCertificate(named.cert(), named.key()));
        ThrowawayCa.Issued elsewhere = ca.server("elsewhere", "DNS:db.example");
        otherName = LocalPostgres.start(BASE_DIR, "it-tls-elsewhere", AuthMethod.SCRAM, Map.of(),
                new ServerCertificate(elsewhere.cert(), elsewhere.key()));
        account = Account.create(shard, "rt_tls_shard");
        otherAccount = Account.create(otherName, "rt_tls_shard");
    }

    @AfterAll
    static void stop() {
        for (LocalPostgres server : new LocalPostgres[] {shard, otherName}) {
            if (server != null) {
                server.close();
            }
        }
    }

    /** A router whose only shard is {@code server}, reached with this sslmode and root certificate. */
    private static RunningRouter router(LocalPostgres server, Account on, SslMode mode, Path rootCert) {
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0)
                .shard(RunningRouter.SHARD, new ShardConfig(List.of(server.host() + ":" + server.port()), ShardType.DATA,
                        new ShardTlsSettings(mode, rootCert, null, null)))
                .frontendRule(RunningRouter.frontend(on, PoolMode.TRANSACTION, AuthRule.ok()))
                .backendRule(RunningRouter.backend(on, 2, new AuthRule(dev.shardgate.router.config.AuthMethod.SCRAM, on.password())));
        return RunningRouter.start(config);
    }

    @Test
    void verifyFullReachesHostsslOnlyShardWithScramOverTls() throws SQLException {
        try (RunningRouter router = router(shard, account, SslMode.VERIFY_FULL, ca.caCert());
             Connection connection = router.connect(account);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getBoolean(1)).isTrue();
            assertThat(rows.getString(2)).startsWith("TLSv1.");
            try (ResultSet big = statement.executeQuery("SELECT repeat('y', 5000000), length(repeat('z', 4000000) || '')")) {
                assertThat(big.next()).isTrue();
                assertThat(big.getString(1)).hasSize(5_000_000);
                assertThat(big.getInt(2)).isEqualTo(4_000_000);
            }
        }
    }

    /** A router with no shard of its own but shard_tls, and a shard created on its console. */
    private static RunningRouter routerWithConsoleShard(SslMode mode, Path rootCert) throws SQLException {
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0)
                .shardTls(new ShardTlsSettings(mode, rootCert, null, null))
                .frontendRule(RunningRouter.frontend(account, PoolMode.TRANSACTION, AuthRule.ok()))
                .frontendRule(new FrontendRule("spqr-console", account.user(), PoolMode.TRANSACTION, AuthRule.ok(), false))
                .backendRule(RunningRouter.backend(account, 2,
                        new AuthRule(dev.shardgate.router.config.AuthMethod.SCRAM, account.password())));
        RunningRouter router = RunningRouter.start(config);
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple");
             Statement statement = console.createStatement()) {
            statement.execute("CREATE SHARD sh9 WITH HOSTS '" + shard.host() + ":" + shard.port() + "'");
        } catch (SQLException | RuntimeException e) {
            router.close();
            throw e;
        }
        return router;
    }

    @Test
    void shardCreatedOnTheConsoleIsReachedAsShardTlsSays() throws SQLException {
        try (RunningRouter router = routerWithConsoleShard(SslMode.VERIFY_FULL, ca.caCert());
             Connection connection = router.connect(account);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("/*__spqr__execute_on: sh9*/ SELECT ssl, version FROM pg_stat_ssl"
                     + " WHERE pid = pg_backend_pid()")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getBoolean(1)).isTrue();
            assertThat(rows.getString(2)).startsWith("TLSv1.");
        }
        try (RunningRouter router = routerWithConsoleShard(SslMode.VERIFY_FULL, stranger.caCert())) {
            assertThatThrownBy(() -> router.connect(account).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08001");
                        assertThat(e.getMessage()).contains("shard \"sh9\"").contains("sslmode=verify-full")
                                .contains("certification path");
                    });
        }
    }

    @Test
    void withoutTlsTheHostsslOnlyShardRefusesTheRouter() {
        try (RunningRouter router = router(shard, account, SslMode.DISABLE, null)) {
            assertThatThrownBy(() -> router.connect(account).close())
                    .isInstanceOfSatisfying(SQLException.class, e ->
                            assertThat(e.getMessage()).contains("no pg_hba.conf entry").contains("no encryption"));
        }
    }

    @Test
    void shardCertificateOfAnUnknownCaIsRefusedWith08001NamingTheShard() {
        try (RunningRouter router = router(shard, account, SslMode.VERIFY_CA, stranger.caCert())) {
            assertThatThrownBy(() -> router.connect(account).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08001");
                        assertThat(e.getMessage()).contains("shard \"" + RunningRouter.SHARD + "\"")
                                .contains("sslmode=verify-ca").contains("certification path");
                    });
        }
    }

    @Test
    void verifyFullRefusesCertificateForAnotherHostNameWhichVerifyCaAccepts() throws SQLException {
        try (RunningRouter router = router(otherName, otherAccount, SslMode.VERIFY_FULL, ca.caCert())) {
            assertThatThrownBy(() -> router.connect(otherAccount).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("08001");
                        assertThat(e.getMessage()).contains("shard \"" + RunningRouter.SHARD + "\"")
                                .contains("sslmode=verify-full").contains("127.0.0.1");
                    });
        }
        try (RunningRouter router = router(otherName, otherAccount, SslMode.VERIFY_CA, ca.caCert());
             Connection connection = router.connect(otherAccount);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT 1")) {
            assertThat(rows.next()).isTrue();
        }
    }
}
