package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.CapturedLogs;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELOAD on the console re-reads router.yaml: a lowered pool limit and a new frontend rule apply
 * while pgbench runs through the router, which loses no client; an invalid file changes nothing;
 * keys that need a restart are named and keep their running value.
 */
@RealPostgres(servers = 1)
@Timeout(180)
class ReloadTest {
    private static LocalPostgres shard;
    private static Account alice;
    private static Account bob;

    @TempDir
    Path directory;

    @BeforeAll
    static void accounts(PostgresServers servers) {
        shard = servers.get(0);
        alice = Account.create(shard, "rt_reload");
        bob = alice.withUser(shard, "rt_reload_bob");
    }

    private static RouterConfig.Builder aliceOnly(int connectionLimit) {
        return RunningRouter.admit(RunningRouter.configFor(shard), alice, PoolMode.TRANSACTION, connectionLimit)
                .frontendRule(dev.shardgate.router.config.FrontendRule.console("admin", AuthRule.ok()));
    }

    @Test
    void poolLimitAndANewRuleApplyUnderPgbenchWithoutDroppingAClient() throws Exception {
        Path file = directory.resolve("router.yaml");
        try (RunningRouter router = RunningRouter.startFromFile(aliceOnly(4), file)) {
            ProcessResult init = router.pgbench(alice).initialize(1, Duration.ofMinutes(2));
            assertThat(init.exitCode()).as(init.stderr()).isZero();
            Sql.assertFailsWith("28P01", () -> router.connect(bob).close());

            CompletableFuture<ProcessResult> bench = CompletableFuture.supplyAsync(() -> router.pgbench(alice)
                    .run(Duration.ofSeconds(90), "-M", "extended", "-c", "6", "-j", "2", "-T", "8"));
            awaitPool(router, pool -> Integer.parseInt(pool.get("active")) > 0, "pgbench holds backends");

            Files.writeString(file, RunningRouter.admit(aliceOnly(2), bob, PoolMode.TRANSACTION, 2).build().toYaml());
            List<Map<String, String>> changes = console(router, "RELOAD");

            assertThat(changes).extracting(row -> row.get("key") + " " + row.get("status")).containsExactly(
                    "frontend_rules[db=rt_reload,usr=rt_reload_bob] applied",
                    "backend_rules[db=rt_reload,usr=rt_reload] applied",
                    "backend_rules[db=rt_reload,usr=rt_reload_bob] applied");
            assertThat(changes.get(1).get("old_value")).contains("connection_limit=4");
            assertThat(changes.get(1).get("new_value")).contains("connection_limit=2");
            assertThat(changes.toString()).doesNotContain(bob.password()).doesNotContain(alice.password());

            // the next login of a user the file now admits works while pgbench still runs
            try (Connection connection = router.connect(bob)) {
                assertThat(Sql.single(connection, "SELECT current_user")).isEqualTo(bob.user());
            }
            // lent connections above the new limit close as they come back, none is cut
            Map<String, String> pool = awaitPool(router,
                    row -> row.get("limit").equals("2") && Integer.parseInt(row.get("active")) + Integer.parseInt(row.get("idle")) <= 2,
                    "alice's pool at its new limit of 2");
            assertThat(pool.get("limit")).isEqualTo("2");

            ProcessResult run = bench.get();
            String output = run.stdout() + run.stderr();
            assertThat(run.exitCode()).as(output).isZero();
            assertThat(output.toLowerCase(Locale.ROOT)).as(output).doesNotContain("error");
            assertThat(run.stdout()).as(output).contains("number of failed transactions: 0");
        }
    }

    @Test
    void anInvalidFileIsRefusedNamingTheKeyAndChangesNothing() throws Exception {
        Path file = directory.resolve("router.yaml");
        try (RunningRouter router = RunningRouter.startFromFile(aliceOnly(3), file)) {
            String valid = Files.readString(file);
            // a lower limit and a new user, and one value that does not read: none of it may apply
            String invalid = RunningRouter.admit(aliceOnly(1), bob, PoolMode.TRANSACTION, 1).build().toYaml()
                    .replace("pool_wait_timeout: 10s", "pool_wait_timeout: soon");
            assertThat(invalid).contains("pool_wait_timeout: soon");
            Files.writeString(file, invalid);

            SQLException refused = Sql.assertFailsWith("F0000", () -> console(router, "RELOAD"));

            assertThat(refused.getMessage()).contains(file.toString()).contains("pool_wait_timeout")
                    .contains("nothing was changed");
            Sql.assertFailsWith("28P01", () -> router.connect(bob).close());
            try (Connection connection = router.connect(alice)) {
                assertThat(Sql.single(connection, "SELECT 1")).isEqualTo("1");
            }
            assertThat(awaitPool(router, row -> true, "alice's pool").get("limit")).isEqualTo("3");

            Files.writeString(file, valid);
            assertThat(console(router, "RELOAD")).isEmpty();
        }
    }

    @Test
    void keysThatNeedARestartAreNamedAndKeepTheirRunningValue() throws Exception {
        Path file = directory.resolve("router.yaml");
        try (RunningRouter router = RunningRouter.startFromFile(aliceOnly(3), file)) {
            int freePort = dev.shardgate.it.harness.ShardgateProcess.freePort();
            Files.writeString(file, aliceOnly(3).routerPort(freePort).poolWaitTimeout(Duration.ofSeconds(4)).build().toYaml());

            List<Map<String, String>> changes = console(router, "RELOAD");

            assertThat(changes).extracting(row -> String.join(" ", row.values())).containsExactly(
                    "router_port 0 " + freePort + " needs restart",
                    "pool_wait_timeout 10s 4s applied");
            try (Connection connection = router.connect(alice)) {
                assertThat(Sql.single(connection, "SELECT 'still on the old port'")).isEqualTo("still on the old port");
            }
        }
    }

    @Test
    void aFrontendRuleChangeAppliesToTheNextLoginOnly() throws Exception {
        Path file = directory.resolve("router.yaml");
        try (CapturedLogs logs = CapturedLogs.at(Level.INFO);
             RunningRouter router = RunningRouter.startFromFile(aliceOnly(3), file);
             Connection before = router.connect(alice)) {
            // alice's password changes: the next login needs the new one, the open session goes on
            var changed = RunningRouter.configFor(shard)
                    .frontendRule(dev.shardgate.router.config.FrontendRule.console("admin", AuthRule.ok()))
                    .frontendRule(RunningRouter.frontend(alice, PoolMode.TRANSACTION, new AuthRule(AuthMethod.MD5, "new-secret")))
                    .backendRule(RunningRouter.backend(alice, 3, AuthRule.ok()));
            Files.writeString(file, changed.build().toYaml());

            List<Map<String, String>> changes = console(router, "RELOAD");

            assertThat(changes).extracting(row -> row.get("key") + " " + row.get("new_value")).containsExactly(
                    "frontend_rules[db=rt_reload,usr=rt_reload] pool_mode=TRANSACTION auth_method=md5 require_tls=false "
                            + "target_session_attrs=read-write read_your_writes=false (password changed)");
            Sql.assertFailsWith("28P01", () -> router.connect(alice).close());
            try (Connection after = router.connect(alice.withPassword("new-secret"))) {
                assertThat(Sql.single(after, "SELECT 'new password'")).isEqualTo("new password");
            }
            assertThat(Sql.single(before, "SELECT 'logged in before'")).isEqualTo("logged in before");
            // one log line per changed key, and no password in any line
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("event=config_key_reloaded trigger=RELOAD key=frontend_rules[db=rt_reload,usr=rt_reload]")
                    .contains("(password changed)"));
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).containsAnyOf("new-secret", alice.password()));
        }
    }

    @Test
    void aReloadedPauseTimeoutBoundsTheNextWaitAtAPausedShard() throws Exception {
        Path file = directory.resolve("router.yaml");
        try (RunningRouter router = RunningRouter.startFromFile(aliceOnly(3), file);
             Connection client = router.connect(alice)) {
            Files.writeString(file, aliceOnly(3).pauseTimeout(Duration.ofSeconds(1)).build().toYaml());
            assertThat(console(router, "RELOAD")).extracting(row -> String.join(" ", row.values()))
                    .containsExactly("pause_timeout 2min 1s applied");

            console(router, "PAUSE SHARD " + RunningRouter.SHARD);
            try {
                SQLException waited = Sql.assertFailsWith("57P03", () -> Sql.single(client, "SELECT 1"));
                assertThat(waited.getMessage()).contains("pause_timeout (1000 ms)");
            } finally {
                console(router, "RESUME SHARD " + RunningRouter.SHARD);
            }
            assertThat(Sql.single(client, "SELECT 'resumed'")).isEqualTo("resumed");
        }
    }

    /** Rows of a console statement as column → value, in order. */
    static List<Map<String, String>> console(RunningRouter router, String sql) throws SQLException {
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=admin&preferQueryMode=simple");
             Statement statement = console.createStatement()) {
            List<Map<String, String>> all = new ArrayList<>();
            if (!statement.execute(sql)) {
                return all; // a command tag, no rows
            }
            ResultSet rows = statement.getResultSet();
            while (rows.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.put(rows.getMetaData().getColumnName(i), rows.getString(i));
                }
                all.add(row);
            }
            return all;
        }
    }

    /** Polls SHOW pools until alice's pool row satisfies {@code wanted}, for at most 20 s. */
    private static Map<String, String> awaitPool(RunningRouter router, java.util.function.Predicate<Map<String, String>> wanted,
                                                 String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Map<String, String>> pools = List.of();
        while (System.nanoTime() < deadline) {
            pools = console(router, "SHOW pools");
            for (Map<String, String> row : pools) {
                if (row.get("user").equals(alice.user()) && wanted.test(row)) {
                    return row;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": not seen in SHOW pools within 20 s; last: " + pools);
    }
}
