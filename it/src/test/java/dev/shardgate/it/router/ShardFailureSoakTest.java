package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Pgbench;
import dev.shardgate.it.harness.PgbenchProgress;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The shard-failure soak of issue 15, started by {@code scripts/soak} (skipped otherwise): two shards
 * behind a router, pgbench on each shard's keys; after a minute of undisturbed service, clients die
 * holding backends in every way of {@link DyingClient.Death} on both shards, and the disturbed shard
 * (sh1, the first, whose absence once kept every client from logging in) is stopped, killed and hung
 * over and over. The steady shard's pgbench runs at a fixed rate ({@code -R}), so that what is
 * measured is whether the router ever holds its transactions up, not how fast two shared cores are:
 * every 10 s its TPS stays within 20% of its rate in the first minute. Every client error is an
 * ErrorResponse; at the end no backend is left {@code idle in transaction} and the pools are whole.
 * The per-10 s TPS and the events go to {@code it/target/soak-report.txt}.
 *
 * <p>System properties: {@code soak.minutes} (10), {@code soak.rate} (the steady shard's pgbench
 * rate, 200 transactions per second).
 */
@RealPostgres(servers = 2)
@EnabledIfSystemProperty(named = "soak", matches = "run")
class ShardFailureSoakTest {
    private static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION soak DISTRIBUTION KEY id;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            """;
    private static final SoakClients.Keys DISTURBED = new SoakClients.Keys("sh1", 1, 999, 0);
    private static final SoakClients.Keys STEADY = new SoakClients.Keys("sh2", 1001, 1999, 1000);
    private static final int POOL_LIMIT = 10;
    private static final double TOLERANCE = 0.2;
    private static final Path REPORT = Path.of("target", "soak-report.txt");

    @Test
    void oneShardFailingOverAndOverNeverHoldsUpTheOther(PostgresServers servers) throws Exception {
        Duration total = Duration.ofSeconds(Math.round(Double.parseDouble(System.getProperty("soak.minutes", "10")) * 60));
        Duration baseline = total.compareTo(Duration.ofMinutes(3)) >= 0 ? Duration.ofSeconds(60) : total.dividedBy(3);
        int rate = Integer.parseInt(System.getProperty("soak.rate", "200"));
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_soak");
        List<String> header = List.of(
                String.format(Locale.ROOT, "shard-failure soak: %d s, the first %d s undisturbed; pool limit %d per shard",
                        total.toSeconds(), baseline.toSeconds(), POOL_LIMIT),
                "steady shard sh2 (keys 1001..1999): pgbench -M simple -c 4 -j 1 -R " + rate,
                "disturbed shard sh1 (keys 1..999): pgbench -M simple -c 2 -j 1 -R " + rate / 2
                        + " (started again whenever it exits), 2 pgjdbc clients after the first " + baseline.toSeconds() + " s",
                "dying clients after the first " + baseline.toSeconds() + " s: one every 250 ms, " + List.of(DyingClient.Death.values())
                        + ", in turn on sh1 and sh2",
                "sh1 over and over: stop -m fast / SIGKILL / SIGSTOP of the postmaster, 8 s each, 10 s apart");

        try (RunningRouter router = RunningRouter.start(config(account, sh1, sh2));
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            SoakLog log = new SoakLog(Instant.now());
            Instant end = log.start().plus(total);
            Instant disturbedFrom = log.start().plus(baseline);
            Instant quietFrom = end.minusSeconds(10);
            Pgbench pgbench = router.pgbench(account);
            CompletableFuture<PgbenchProgress> steady = CompletableFuture.supplyAsync(() -> PgbenchProgress.of(
                    pgbench.run(total.plusMinutes(1), options(STEADY, 4, rate, total))), threads);
            CompletableFuture<Void> disturbedPgbench = CompletableFuture.runAsync(
                    () -> pgbenchUntil(pgbench, end, rate / 2, log), threads);

            Thread.sleep(Duration.between(Instant.now(), disturbedFrom));
            log.event("disturbances begin");
            SoakClients clients = new SoakClients(router, account, log);
            List<CompletableFuture<Void>> disturbances = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                disturbances.add(CompletableFuture.runAsync(() -> {
                    try {
                        clients.transact(DISTURBED, quietFrom);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, threads));
            }
            disturbances.add(CompletableFuture.runAsync(() -> {
                try {
                    clients.die(quietFrom, DISTURBED, STEADY);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, threads));
            disturbances.add(CompletableFuture.runAsync(() -> {
                try {
                    new ShardTroubles("sh1", sh1, Duration.ofSeconds(8), Duration.ofSeconds(10), log).run(quietFrom.minusSeconds(10));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, threads));
            CompletableFuture.allOf(disturbances.toArray(CompletableFuture[]::new)).join();
            log.event("disturbances end");

            PgbenchProgress steadyRun = steady.join();
            disturbedPgbench.join();
            log.event("pgbench done");
            log.progress("sh2", steadyRun.intervals());
            List<String> verdicts = new ArrayList<>();
            judgeSteady(steadyRun, log.start().plus(baseline), total, baseline, log, verdicts);
            awaitNoBackendInTransaction(sh1, account, log);
            awaitNoBackendInTransaction(sh2, account, log);
            judgePools(router, account, log, verdicts);
            verdicts.add("violations: " + log.violations().size());
            log.violations().forEach(violation -> verdicts.add("  " + violation));
            log.write(REPORT, header, verdicts);
            System.out.println("soak: report in " + REPORT.toAbsolutePath());
            assertThat(log.violations()).as("broken rules (see " + REPORT.toAbsolutePath() + ")").isEmpty();
        } finally {
            if (!sh1.isRunning()) {
                sh1.restart();
            }
        }
    }

    /**
     * pgbench on the disturbed shard, started again whenever it exits (its clients abort on a shard's
     * error). The log shows a run's end when its error differs from the run before; every end is counted.
     */
    private static void pgbenchUntil(Pgbench pgbench, Instant end, int rate, SoakLog log) {
        String lastError = "";
        for (int run = 1; ; run++) {
            Duration left = Duration.between(Instant.now(), end);
            if (left.toSeconds() < 10) {
                return;
            }
            PgbenchProgress progress = PgbenchProgress.of(pgbench.run(left.plusMinutes(1), options(DISTURBED, 2, rate, left)));
            log.progress("sh1", progress.intervals());
            progress.errors().forEach(error -> log.count("pgbench sh1: " + (error.contains("FATAL:") ? "FATAL" : "ERROR")));
            progress.errorsWithoutErrorResponse().forEach(error -> log.violation("pgbench sh1 without ErrorResponse: " + error));
            if (progress.exitCode() != 0) {
                log.count("pgbench sh1: run ended with exit " + progress.exitCode() + ", started again");
                String error = progress.errors().isEmpty() ? "" : progress.errors().getFirst().replaceFirst("^.*? aborted in command \\d+ query \\d+: ", "");
                if (!error.equals(lastError)) {
                    log.event("pgbench sh1 run " + run + " ended, exit " + progress.exitCode() + ": " + abbreviate(error));
                    lastError = error;
                }
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private static String[] options(SoakClients.Keys keys, int clients, int rate, Duration duration) {
        return new String[] {"-n", "-M", "simple", "-c", Integer.toString(clients), "-j", "1", "-R", Integer.toString(rate),
                "-T", Long.toString(duration.toSeconds()), "-P", "10", "--progress-timestamp", "-f", script(keys).toString()};
    }

    /** A transaction on one random key of the shard: the row's lock taken, then read. */
    private static Path script(SoakClients.Keys keys) {
        try {
            Path script = Files.createTempFile("soak-" + keys.shard(), ".pgbench");
            Files.writeString(script, """
                    \\set id random(%d, %d)
                    BEGIN;
                    UPDATE soak SET v = v + 1 WHERE id = :id;
                    SELECT v FROM soak WHERE id = :id;
                    END;
                    """.formatted(keys.first(), keys.last()));
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The steady shard's pgbench: no error, no interval at 0, each disturbed interval within 20% of the first minute's rate. */
    private static void judgeSteady(PgbenchProgress run, Instant disturbedFrom, Duration total, Duration baseline,
            SoakLog log, List<String> verdicts) {
        double from = disturbedFrom.toEpochMilli() / 1000.0;
        double undisturbed = run.intervals().stream().filter(i -> i.endEpochSeconds() <= from + 1)
                .mapToDouble(PgbenchProgress.Interval::tps).average().orElse(0);
        List<PgbenchProgress.Interval> disturbed = run.intervals().stream().filter(i -> i.endEpochSeconds() > from + 1).toList();
        verdicts.add(String.format(Locale.ROOT, "sh2 undisturbed rate: %.1f tps (mean of the first %d s)", undisturbed, baseline.toSeconds()));
        verdicts.add(String.format(Locale.ROOT, "sh2 while sh1 failed: min %.1f, max %.1f, mean %.1f tps over %d intervals",
                disturbed.stream().mapToDouble(PgbenchProgress.Interval::tps).min().orElse(0),
                disturbed.stream().mapToDouble(PgbenchProgress.Interval::tps).max().orElse(0),
                disturbed.stream().mapToDouble(PgbenchProgress.Interval::tps).average().orElse(0), disturbed.size()));
        if (run.exitCode() != 0 || !run.errors().isEmpty()) {
            log.violation("pgbench sh2 exit " + run.exitCode() + ", errors " + run.errors());
        }
        long expected = (total.toSeconds() - baseline.toSeconds()) / 10 - 1;
        if (disturbed.size() < expected) {
            log.violation("pgbench sh2 reported " + disturbed.size() + " intervals after the first minute, expected " + expected);
        }
        for (PgbenchProgress.Interval interval : disturbed) {
            if (interval.tps() == 0 || Math.abs(interval.tps() - undisturbed) > TOLERANCE * undisturbed) {
                log.violation(String.format(Locale.ROOT, "sh2 at %.0f s: %.1f tps, undisturbed %.1f",
                        interval.endEpochSeconds() - log.start().toEpochMilli() / 1000.0, interval.tps(), undisturbed));
            }
        }
    }

    /** No backend of the soak's user left in a transaction (10 s to settle after the last client). */
    private static void awaitNoBackendInTransaction(LocalPostgres shard, Account account, SoakLog log) throws InterruptedException {
        String sql = "SELECT count(*) FILTER (WHERE state LIKE 'idle in transaction%') || ' in transaction of ' || count(*)"
                + " FROM pg_stat_activity WHERE usename = '" + account.user() + "'";
        String answer = "";
        for (int i = 0; i < 100; i++) {
            answer = shard.psql("postgres", sql).strip();
            if (answer.startsWith("0 ")) {
                break;
            }
            Thread.sleep(100);
        }
        log.event("backends on " + shard.name() + ": " + answer);
        if (!answer.startsWith("0 ")) {
            log.violation("backends idle in transaction for gone clients on " + shard.name() + ": " + answer);
        }
    }

    /** SHOW pools: nothing lent, nobody waiting; then every shard lends all of its pool's backends at once. */
    private static void judgePools(RunningRouter router, Account account, SoakLog log, List<String> verdicts) throws Exception {
        List<String> pools = List.of();
        for (int i = 0; i < 100; i++) {
            pools = showPools(router, account);
            if (pools.stream().allMatch(pool -> pool.contains(" active=0 ") && pool.contains(" waiting=0 "))) {
                break;
            }
            Thread.sleep(100);
        }
        verdicts.add("SHOW pools at the end: " + pools);
        if (pools.isEmpty() || !pools.stream().allMatch(pool -> pool.contains(" active=0 ") && pool.contains(" waiting=0 "))) {
            log.violation("pools not whole at the end: " + pools);
        }
        for (SoakClients.Keys keys : List.of(DISTURBED, STEADY)) {
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < POOL_LIMIT; i++) {
                    Connection connection = router.connect(account);
                    held.add(connection);
                    connection.setAutoCommit(false);
                    Sql.execute(connection, "UPDATE soak SET v = v + 1 WHERE id = " + (keys.first() + i));
                }
                verdicts.add(keys.shard() + " lent all " + POOL_LIMIT + " backends of its pool at once");
            } catch (SQLException e) {
                log.violation(keys.shard() + " lent only " + (held.size() - 1) + " of " + POOL_LIMIT + " backends: " + e.getMessage());
            } finally {
                for (Connection connection : held) {
                    connection.close();
                }
            }
        }
    }

    private static List<String> showPools(RunningRouter router, Account account) throws SQLException {
        List<String> pools = new ArrayList<>();
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple");
             ResultSet rows = console.createStatement().executeQuery("SHOW pools")) {
            while (rows.next()) {
                pools.add(rows.getString("shard_id") + " active=" + rows.getString("active") + " idle=" + rows.getString("idle")
                        + " waiting=" + rows.getString("waiting") + " limit=" + rows.getString("limit"));
            }
        }
        return pools;
    }

    private static Account accountOnBoth(LocalPostgres sh1, LocalPostgres sh2, String name) {
        Account account = Account.create(sh1, name);
        sh2.createUser(account.user(), account.password());
        sh2.createDatabase(account.database(), account.user());
        for (var shard : List.of(sh1, sh2)) {
            var keys = shard == sh1 ? DISTURBED : STEADY;
            shard.psql(account.database(), "DROP TABLE IF EXISTS soak; CREATE TABLE soak (id int PRIMARY KEY, v int);"
                    + " ALTER TABLE soak OWNER TO " + name + "; INSERT INTO soak SELECT g, 0 FROM generate_series("
                    + keys.first() + ", " + keys.last() + ") g");
        }
        return account;
    }

    private static RouterConfig.Builder config(Account account, LocalPostgres sh1, LocalPostgres sh2) throws IOException {
        Path init = Files.createTempFile("soak", ".sql");
        Files.writeString(init, METADATA);
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .shard("sh1", ShardConfig.data(sh1.host() + ":" + sh1.port()))
                .shard("sh2", ShardConfig.data(sh2.host() + ":" + sh2.port()))
                .defaultRouteBehaviour(DefaultRouteBehaviour.BLOCK)
                .initSqlFile(init);
        return RunningRouter.trusting(config, account, POOL_LIMIT).frontendRule(FrontendRule.console(account.user(), AuthRule.ok()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
