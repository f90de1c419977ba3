package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.ShardgateProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -HUP} on a router process does what RELOAD does: the next login sees the new rules,
 * each changed key is logged, and an invalid file is logged and changes nothing. The process does
 * not exit, as a JVM would on SIGHUP by default.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class ReloadSignalTest {

    @Test
    void sighupAppliesANewRuleAndAnInvalidFileChangesNothing(PostgresServers servers, @TempDir Path directory)
            throws Exception {
        LocalPostgres shard = servers.get(0);
        Account owner = Account.create(shard, "rt_hup");
        Account newcomer = owner.withUser(shard, "rt_hup_new");
        int port = ShardgateProcess.freePort();
        String yaml = ShardgateProcess.trustingRouterYaml(port, owner.database(), owner.user(), "", servers.routerShardsYaml());
        try (ShardgateProcess router = startWithSighup(directory, yaml, port, "DEFAULT")) {
            Sql.assertFailsWith("28P01", () -> connect(port, newcomer).close());

            String admitted = yaml
                    .replace("frontend_rules:\n", "frontend_rules:\n" + trusting(newcomer, "pool_mode: SESSION\n    "))
                    .replace("backend_rules:\n", "backend_rules:\n" + trusting(newcomer, ""));
            Files.writeString(router.config(), admitted);
            router.hangUp();

            try (Connection connection = awaitLogin(port, newcomer, router)) {
                assertThat(Sql.single(connection, "SELECT current_user")).isEqualTo(newcomer.user());
            }
            assertThat(router.logText()).contains("event=config_key_reloaded trigger=SIGHUP key=frontend_rules[db=rt_hup,usr=rt_hup_new]")
                    .contains("event=config_key_reloaded trigger=SIGHUP key=backend_rules[db=rt_hup,usr=rt_hup_new]");

            Files.writeString(router.config(), admitted.replace("router_port: " + port, "router_port: many")
                    .replace("    usr: " + newcomer.user() + "\n    pool_mode: SESSION", "    usr: nobody\n    pool_mode: SESSION"));
            router.hangUp();
            awaitLog(router, "event=config_reload_refused trigger=SIGHUP");

            assertThat(router.logText()).containsPattern("config_reload_refused trigger=SIGHUP .*router_port");
            assertThat(router.isAlive()).isTrue();
            try (Connection connection = connect(port, newcomer)) {
                assertThat(Sql.single(connection, "SELECT 'still admitted'")).isEqualTo("still admitted");
            }
        }
    }

    /**
     * A router started with SIGHUP ignored (as under nohup) cannot take it over: the JVM keeps an
     * ignored SIGHUP ignored. It says so at start, and kill -HUP leaves it running as it was.
     */
    @Test
    void aRouterStartedWithSighupIgnoredSaysSoAndKeepsRunning(PostgresServers servers, @TempDir Path directory)
            throws Exception {
        LocalPostgres shard = servers.get(0);
        Account owner = Account.create(shard, "rt_hup_ignored");
        int port = ShardgateProcess.freePort();
        String yaml = ShardgateProcess.trustingRouterYaml(port, owner.database(), owner.user(), "", servers.routerShardsYaml());
        try (ShardgateProcess router = startWithSighup(directory, yaml, port, "IGNORE")) {
            awaitLog(router, "event=sighup_ignored");
            router.hangUp();
            try (Connection connection = connect(port, owner)) {
                assertThat(Sql.single(connection, "SELECT 'still here'")).isEqualTo("still here");
            }
            assertThat(router.isAlive()).isTrue();
            assertThat(router.logText()).doesNotContain("event=config_reloaded");
        }
    }

    /**
     * A router whose SIGHUP starts as {@code disposition} (perl's DEFAULT or IGNORE), whatever the
     * test runner's is: one started under nohup passes SIGHUP on ignored.
     */
    private static ShardgateProcess startWithSighup(Path directory, String yaml, int port, String disposition) {
        ShardgateProcess router = ShardgateProcess.prepare("router", directory, "router", yaml, port, List.of())
                .withLauncher(List.of("perl", "-e", "$SIG{HUP} = '" + disposition + "'; exec @ARGV or die \"exec: $!\"", "--"));
        router.start(Map.of());
        return router;
    }

    private static String trusting(Account account, String extra) {
        return "  - db: " + account.database() + "\n    usr: " + account.user() + "\n    " + extra
                + "auth_rule:\n      auth_method: ok\n";
    }

    private static Connection connect(int port, Account account) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", account.user());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + account.database(), properties);
    }

    /** The signal is handled on the router's own time: logins are tried until one works, for at most 20 s. */
    private static Connection awaitLogin(int port, Account account, ShardgateProcess router) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return connect(port, account);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no login after SIGHUP: " + e.getMessage() + "\n" + router.logTail(), e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static void awaitLog(ShardgateProcess router, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!router.logText().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not logged within 20 s: " + text + "\n" + router.logTail());
            }
            Thread.sleep(100);
        }
    }
}
