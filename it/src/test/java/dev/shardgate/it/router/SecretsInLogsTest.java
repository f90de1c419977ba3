package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.CapturedLogs;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.ClientLimits;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.auth.Md5Password;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No secret reaches a log line at any level: with Shardgate's loggers at TRACE, clients log in
 * with every method (right and wrong passwords), to the router and the console, and the router
 * logs in to a shard that checks passwords with SCRAM. No captured line, stack traces included,
 * holds a client password, a guessed one, a shard password, or an md5 hash of one.
 */
@RealPostgres(servers = 1, auth = dev.shardgate.cli.postgres.AuthMethod.SCRAM)
@Timeout(120)
class SecretsInLogsTest {
    private static final String CONSOLE_USER = "rt_secret_admin";
    private static final String CONSOLE_PASSWORD = "console-secret-7Qx";

    @Test
    void noPasswordAppearsInAnyLogLineEvenAtTrace(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account owner = Account.create(shard, "rt_secret");
        List<String> secrets = new ArrayList<>(List.of(CONSOLE_PASSWORD, owner.password()));
        RouterConfig.Builder config = RunningRouter.configFor(shard)
                .clientLimits(ClientLimits.DEFAULTS.withAuthFailureDelay(Duration.ZERO))
                .frontendRule(FrontendRule.console(CONSOLE_USER, new AuthRule(AuthMethod.SCRAM, CONSOLE_PASSWORD)));
        List<Account> clients = new ArrayList<>();
        for (AuthMethod method : List.of(AuthMethod.MD5, AuthMethod.SCRAM, AuthMethod.CLEAR_TEXT)) {
            Account onShard = owner.withUser(shard, owner.user() + "_" + method.configName());
            Account client = onShard.withPassword(method.configName() + "-client-secret-9Kd");
            clients.add(client);
            secrets.add(client.password());
            secrets.add(onShard.password());
            secrets.add(Md5Password.storedHash(client.user(), client.password()));
            config.frontendRule(RunningRouter.frontend(client, PoolMode.TRANSACTION, new AuthRule(method, client.password())))
                    .backendRule(RunningRouter.backend(client, 2, new AuthRule(AuthMethod.SCRAM, onShard.password())));
        }
        try (CapturedLogs logs = CapturedLogs.at(Level.TRACE); RunningRouter router = RunningRouter.start(config)) {
            for (Account client : clients) {
                try (Connection connection = router.connect(client)) {
                    assertThat(Sql.single(connection, "select current_user")).isEqualTo(client.user());
                }
                String guess = client.user() + "-guessed-secret";
                secrets.add(guess);
                Sql.assertFailsWith("28P01", () -> router.connect(client.withPassword(guess)).close());
                Sql.assertFailsWith("28P01", () -> router.connect(new Account(client.database(), "rt_secret_nobody", guess)).close());
            }
            try (Connection console = DriverManager.getConnection(consoleUrl(router), consoleLogin(CONSOLE_PASSWORD))) {
                assertThat(console.isValid(5)).isTrue();
            }
            String consoleGuess = "console-guessed-secret";
            secrets.add(consoleGuess);
            Sql.assertFailsWith("28P01", () -> DriverManager.getConnection(consoleUrl(router), consoleLogin(consoleGuess)).close());

            List<String> lines = logs.lines();
            assertThat(lines).as("captured log lines").hasSizeGreaterThan(10);
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("DEBUG").contains("dev.shardgate"));
            for (String secret : secrets) {
                assertThat(lines).as("log lines holding \"" + secret + "\"").noneMatch(line -> line.contains(secret));
            }
        }
    }

    private static String consoleUrl(RunningRouter router) {
        return "jdbc:postgresql://" + RunningRouter.HOST + ":" + router.consolePort() + "/spqr-console";
    }

    private static Properties consoleLogin(String password) {
        Properties properties = new Properties();
        properties.setProperty("user", CONSOLE_USER);
        properties.setProperty("password", password);
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return properties;
    }
}
