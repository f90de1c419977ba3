package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.cli.ThrowawayCa;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * frontend_tls sslmode require: plain clients of the router and of the console (on its port, and on the
 * router's as dbname=spqr-console) get 28000, TLS ones are served.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class TlsRequiredTest {

    @Test
    void plainClientsOfRouterAndConsoleAreRefusedWith28000(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Path dir = Files.createTempDirectory("shardgate-tls-required");
        ThrowawayCa ca = ThrowawayCa.authority(dir, "required-ca");
        ThrowawayCa.Issued server = ca.server("router");
        Account account = Account.create(shard, "rt_tls_required");
        var config = RunningRouter.trusting(RunningRouter.configFor(shard), account, 2)
                .frontendRule(FrontendRule.console("tls_required_admin", AuthRule.ok()))
                .frontendTls(new FrontendTlsSettings(SslMode.REQUIRE,
                        new ServerTlsSettings(server.cert(), server.key(), null, "TLSv1.3", List.of())));
        try (RunningRouter router = RunningRouter.start(config)) {
            for (String target : List.of(router.port() + "/" + account.database(), router.consolePort() + "/shardgate_console",
                    router.port() + "/spqr-console")) {
                String user = target.endsWith("console") ? "tls_required_admin" : account.user();
                assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://localhost:" + target,
                        properties(user, "disable", ca)).close())
                        .as(target)
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isEqualTo("28000");
                            assertThat(e.getMessage()).contains("TLS is required");
                        });
                DriverManager.getConnection("jdbc:postgresql://localhost:" + target, properties(user, "verify-full", ca)).close();
            }
        }
    }

    @Test
    void aConsoleRuleWithRequireTlsRefusesPlainClientsOnBothPorts(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Path dir = Files.createTempDirectory("shardgate-tls-console-rule");
        ThrowawayCa ca = ThrowawayCa.authority(dir, "console-rule-ca");
        ThrowawayCa.Issued server = ca.server("router");
        Account account = Account.create(shard, "rt_tls_console_rule");
        var config = RunningRouter.trusting(RunningRouter.configFor(shard), account, 2)
                .frontendRule(new FrontendRule("shardgate_console", "secure_admin", PoolMode.TRANSACTION, AuthRule.ok(), false, true))
                .frontendTls(new FrontendTlsSettings(SslMode.PREFER,
                        new ServerTlsSettings(server.cert(), server.key(), null, "TLSv1.2", List.of())));
        try (RunningRouter router = RunningRouter.start(config)) {
            for (String target : List.of(router.consolePort() + "/shardgate_console", router.port() + "/shardgate_console")) {
                assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://localhost:" + target,
                        properties("secure_admin", "disable", ca)).close())
                        .as(target)
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getSQLState()).isEqualTo("28000");
                            assertThat(e.getMessage()).contains("requires TLS");
                        });
                DriverManager.getConnection("jdbc:postgresql://localhost:" + target, properties("secure_admin", "verify-full", ca)).close();
            }
        }
    }

    private static Properties properties(String user, String sslmode, ThrowawayCa ca) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("sslmode", sslmode);
        properties.setProperty("sslrootcert", ca.caCert().toString());
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        return properties;
    }
}
