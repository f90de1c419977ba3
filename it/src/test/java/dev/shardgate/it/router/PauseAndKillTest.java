package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;

/** PAUSE, RESUME and KILL CLIENT on a router's console, seen by its clients. */
@RealPostgres(servers = 2)
@Timeout(90)
class PauseAndKillTest {
    private static final String ON_SH1 = "/*__spqr__execute_on: sh1*/ ";
    private static final String ON_SH2 = "/*__spqr__execute_on: sh2*/ ";
    private static LocalPostgres sh1;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void start(PostgresServers servers) {
        sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        account = Account.create(sh1, "rt_pause");
        Account.create(sh2, "rt_pause");
        var config = RunningRouter.configFor(sh1).shard("sh2", ShardConfig.data(sh2.host() + ":" + sh2.port()))
                .pauseTimeout(Duration.ofSeconds(4))
                .frontendRule(dev.shardgate.router.config.FrontendRule.console(account.user(), dev.shardgate.router.config.AuthRule.ok()));
        router = RunningRouter.start(RunningRouter.trusting(config, account, 4));
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void pauseWaitsForTheTransactionInFlightThenHoldsNewOnesUntilResumeWhileOtherShardsRun() throws Exception {
        try (Connection inFlight = router.connect(account); Connection waiting = router.connect(account);
             Connection other = router.connect(account); Connection console = console()) {
            inFlight.setAutoCommit(false);
            Sql.single(inFlight, ON_SH1 + "select 1");

            CompletableFuture<List<String>> pause = CompletableFuture.supplyAsync(() -> rows(console, "PAUSE SHARD sh1"));
            Thread.sleep(500);
            assertThat(pause).as("PAUSE answers only once the transaction in flight ended").isNotDone();
            assertThat(Sql.single(inFlight, ON_SH1 + "select 'finishes'")).isEqualTo("finishes");
            inFlight.commit();
            assertThat(pause.get(5, TimeUnit.SECONDS)).containsExactly("sh1|0");

            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> single(waiting, ON_SH1 + "select 'after resume'"));
            assertThat(Sql.single(other, ON_SH2 + "select 'sh2 runs'")).isEqualTo("sh2 runs");
            Thread.sleep(500);
            assertThat(held).as("a new transaction on the paused shard waits").isNotDone();
            try (Connection console2 = console()) {
                assertThat(rows(console2, "SHOW pauses")).singleElement().asString().startsWith("sh1|PAUSE|");
                Sql.execute(console2, "RESUME SHARD sh1");
                assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("after resume");
                assertThat(rows(console2, "SHOW pauses")).isEmpty();
            }
        }
    }

    @Test
    void aTransactionWaitingPastPauseTimeoutGets57P03NamingTheShard() throws Exception {
        try (Connection console = console(); Connection client = router.connect(account)) {
            assertThat(rows(console, "PAUSE")).containsExactly("*|0");
            try {
                SQLException e = Sql.assertFailsWith("57P03", () -> Sql.single(client, ON_SH2 + "select 1"));
                assertThat(e.getMessage()).contains("shard \"sh2\" is paused (PAUSE) and was not resumed within pause_timeout (4000 ms)");
                Sql.assertFailsWith("55000", () -> Sql.execute(console, "RESUME SHARD sh2"));
            } finally {
                Sql.execute(console, "RESUME");
            }
            assertThat(Sql.single(client, ON_SH2 + "select 'again'")).isEqualTo("again");
            Sql.assertFailsWith("42704", () -> Sql.execute(console, "RESUME SHARD sh1"));
            Sql.assertFailsWith("42704", () -> Sql.execute(console, "PAUSE SHARD nosuch"));
        }
    }

    @Test
    void killClientClosesAnIdleClientAndCancelsARunningOneWith57P01() throws Exception {
        try (Connection console = console(); Connection idle = router.connect(account); Connection busy = router.connect(account);
             Connection bystander = router.connect(account)) {
            int idleId = idle.unwrap(PGConnection.class).getBackendPID();
            int busyId = busy.unwrap(PGConnection.class).getBackendPID();
            assertThat(rows(console, "SHOW clients WHERE client_id = '" + idleId + "'")).hasSize(1);

            Sql.execute(console, "KILL CLIENT " + idleId);
            SQLException closed = Sql.assertFailsWith("57P01", () -> Sql.single(idle, "select 1"));
            assertThat(closed.getMessage()).contains("terminating connection due to administrator command");

            CompletableFuture<SQLException> sleeping = CompletableFuture.supplyAsync(
                    () -> Sql.assertFailsWith("57014", () -> Sql.single(busy, ON_SH1 + "select pg_sleep(30)")));
            awaitSleeper();
            long killedAt = System.nanoTime();
            Sql.execute(console, "KILL CLIENT " + busyId);
            sleeping.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(10));
            Sql.assertFailsWith("57P01", () -> Sql.single(busy, "select 1"));
            assertThat(sleepers()).isZero();

            assertThat(Sql.single(bystander, ON_SH1 + "select 'untouched'")).isEqualTo("untouched");
            Sql.assertFailsWith("42704", () -> Sql.execute(console, "KILL CLIENT " + idleId));
        }
    }

    private static void awaitSleeper() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sleepers() == 0) {
            assertThat(System.nanoTime()).as("pg_sleep running on sh1").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static int sleepers() {
        return Integer.parseInt(sh1.psql(LocalPostgres.SUPERUSER,
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()").trim());
    }

    private static Connection console() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":" + router.consolePort()
                + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple&socketTimeout=60");
    }

    /** Each row as its values joined with |. */
    private static List<String> rows(Connection console, String sql) {
        try (Statement statement = console.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            List<String> all = new ArrayList<>();
            while (rows.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    values.add(rows.getString(i));
                }
                all.add(String.join("|", values));
            }
            return all;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String single(Connection connection, String sql) {
        try {
            return Sql.single(connection, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
