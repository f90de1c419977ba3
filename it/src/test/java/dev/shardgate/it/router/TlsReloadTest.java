package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.cli.ThrowawayCa;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A certificate replaced on disk serves the next connection, without a restart; open connections go on. */
@RealPostgres(servers = 1)
@Timeout(120)
class TlsReloadTest {

    @Test
    void replacedCertificateServesNewConnectionsWhileOpenOnesContinue(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Path dir = Files.createTempDirectory("shardgate-tls-reload");
        ThrowawayCa first = ThrowawayCa.authority(dir, "first-ca");
        ThrowawayCa second = ThrowawayCa.authority(dir, "second-ca");
        ThrowawayCa.Issued old = first.server("old");
        ThrowawayCa.Issued renewed = second.server("renewed");
        Path cert = dir.resolve("router.crt");
        Path key = dir.resolve("router.key");
        Files.copy(old.cert(), cert);
        Files.copy(old.key(), key);
        Account account = Account.create(shard, "rt_tls_reload");
        var config = RunningRouter.configFor(shard)
                .frontendTls(new FrontendTlsSettings(SslMode.REQUIRE, new ServerTlsSettings(cert, key, null, "TLSv1.2", List.of())))
                .frontendRule(RunningRouter.frontend(account, PoolMode.TRANSACTION, new AuthRule(AuthMethod.MD5, account.password())))
                .backendRule(RunningRouter.backend(account, 4, AuthRule.ok()));
        try (RunningRouter router = RunningRouter.start(config);
             Connection open = DriverManager.getConnection("jdbc:postgresql://localhost:" + router.port() + "/"
                     + account.database(), properties(account, first.caCert()))) {
            assertThat(psql(router, account, first.caCert()).exitCode()).isZero();

            // the key first, as an operator copying files would: in between, the old pair keeps serving
            Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING);
            ProcessResult halfway = psql(router, account, first.caCert());
            assertThat(halfway.exitCode()).as("new key, old certificate: the old pair still serves; " + halfway.stderr()).isZero();
            Files.copy(renewed.cert(), cert, StandardCopyOption.REPLACE_EXISTING);

            ProcessResult trustingNew = psql(router, account, second.caCert());
            assertThat(trustingNew.exitCode()).as(trustingNew.stderr()).isZero();
            assertThat(trustingNew.stdout()).contains("42");
            ProcessResult trustingOld = psql(router, account, first.caCert());
            assertThat(trustingOld.exitCode()).isNotZero();
            assertThat(trustingOld.stderr()).contains("certificate verify failed");
            try (Statement statement = open.createStatement(); ResultSet rows = statement.executeQuery("SELECT 7")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(7);
            }
        }
    }

    private static ProcessResult psql(RunningRouter router, Account account, Path rootCert) {
        return TlsPsql.run(TlsPsql.conninfo(router.port(), account.user(), account.database(), TlsPsql.verifyFull(rootCert)),
                account.password(), "SELECT 40 + 2");
    }

    private static Properties properties(Account account, Path rootCert) {
        Properties properties = new Properties();
        properties.setProperty("user", account.user());
        properties.setProperty("password", account.password());
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", rootCert.toString());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        return properties;
    }
}
