package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.DATABASE;
import static dev.shardgate.it.replica.ReplicaConsoles.USER;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
import static dev.shardgate.it.replica.ReplicaConsoles.hostRow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.Pgbench;
import dev.shardgate.it.harness.PgbenchProgress;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.HealthSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * pgbench's TPC-B-like script through a router onto a shard of a primary and a streaming standby;
 * the primary is SIGKILLed and the standby promoted with {@code pg_ctl promote}: writes resume on
 * the promoted server within 10 s, every error pgbench saw came as an ErrorResponse, no write
 * reached the standby, and SHOW hosts tells the change.
 *
 * <p>PostgreSQL 15's pgbench ends a client at its first error (its {@code --max-tries} retries
 * serialization failures and deadlocks only; there is no {@code --continue-on-error}), so one
 * long run would just stop at the failover. pgbench therefore runs back to back, one second at a
 * time ({@code -T 1}), as an application reconnects after an error: every run's errors are read,
 * and the runs started after the kill show when writes came back and that none of them was lost.
 */
@Timeout(120)
class PgbenchFailoverTest {
    private static final HealthSettings HEALTH = HealthSettings.DEFAULTS.withInterval(Duration.ofMillis(200))
            .withTimeout(Duration.ofSeconds(1)).withCounts(3, 2);
    private static final Duration RESUME = Duration.ofSeconds(10);
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");
    /** What PostgreSQL says, and logs, when a write reaches a standby (25006). */
    private static final String READ_ONLY = "in a read-only transaction";

    /** One pgbench run, its wall-clock start and end in epoch milliseconds. */
    private record Run(long start, long end, ProcessResult result) {
        long processed() {
            Matcher matcher = PROCESSED.matcher(result.stdout());
            return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
        }

        boolean isClean() {
            return result.exitCode() == 0 && processed() > 0;
        }

        List<String> errors() {
            return PgbenchProgress.of(result).errors();
        }

        @Override
        public String toString() {
            return "run [" + start + ", " + end + "] exit=" + result.exitCode() + " processed=" + processed()
                    + " errors=" + errors();
        }
    }

    @Test
    void writesResumeOnThePromotedStandbyAndEveryErrorIsAnErrorResponse() throws Exception {
        try (ReplicaCluster cluster = ReplicaCluster.start(1)) {
            LocalPostgres primary = cluster.primary();
            LocalPostgres standby = cluster.standby(0);
            assertThat(Pgbench.superuser(primary, DATABASE).initialize(1, Duration.ofMinutes(1)).exitCode()).isZero();
            try (Connection connection = direct(primary)) {
                // pgbench writes CURRENT_TIMESTAMP, the transaction's start, into mtime: as timestamptz it
                // compares with the test's clock whatever the sessions' time zones
                execute(connection, "ALTER TABLE pgbench_history ALTER mtime TYPE timestamptz");
            }
            standby.waitForReplay(primary, Duration.ofSeconds(60));
            witnessWriteOnTheStandby(standby);
            RouterServer router = cluster.router(HEALTH);
            Jdbc.await("the router to see the standby", 10_000,
                    () -> "standby".equals(hostRow(router.consolePort(), standby).get("role")));
            Pgbench pgbench = new Pgbench(LocalPostgres.HOST, router.port(), USER, null, DATABASE);

            List<Run> runs = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread runner = Thread.ofVirtual().start(() -> runBackToBack(pgbench, runs, running));
            long killed;
            long promoted;
            try (Connection watcher = direct(primary)) {
                Jdbc.await("two clean runs before the kill", 30_000, () -> runs.stream().filter(Run::isClean).count() >= 2);
                Jdbc.await("pgbench's transactions in flight on the primary", 10_000, () -> inTransaction(watcher) > 0);
                killed = System.currentTimeMillis();
                primary.kill();
                standby.promote();
                promoted = System.currentTimeMillis();
                Jdbc.await("a clean run started after the promotion", 30_000,
                        () -> runs.stream().anyMatch(run -> run.start() > promoted && run.isClean()));
            } finally {
                running.set(false);
                runner.join();
            }

            try (Connection newPrimary = direct(standby)) {
                String perSecond = String.join(", ", Jdbc.column(newPrimary, "SELECT second || ' ' || writes FROM"
                        + " (SELECT to_char(mtime, 'HH24:MI:SS') AS second, count(*) AS writes FROM pgbench_history"
                        + " WHERE mtime > to_timestamp(" + (killed - 3000) / 1000.0 + ") GROUP BY 1) s ORDER BY 1"));
                long firstWrite = Jdbc.number(newPrimary, "SELECT (extract(epoch FROM min(mtime)) * 1000)::bigint"
                        + " FROM pgbench_history WHERE mtime > to_timestamp(" + killed / 1000.0 + ")");
                assertThat(firstWrite - promoted).as("ms from the promotion to the first write after it; per second: "
                        + perSecond + "; runs: " + runs).isLessThanOrEqualTo(RESUME.toMillis());

                // every transaction a run started after the kill counted is on the new primary, and no other
                List<Run> after = runs.stream().filter(run -> run.start() > killed).toList();
                long counted = after.stream().mapToLong(Run::processed).sum();
                assertThat(Jdbc.number(newPrimary, "SELECT count(*) FROM pgbench_history WHERE mtime >= to_timestamp("
                        + after.getFirst().start() / 1000.0 + ")")).as("runs: " + runs).isEqualTo(counted);
            }

            List<String> errors = runs.stream().flatMap(run -> run.errors().stream()).toList();
            assertThat(errors).as("the failover reached pgbench's clients").isNotEmpty();
            List<String> silent = runs.stream().flatMap(run -> PgbenchProgress.of(run.result()).errorsWithoutErrorResponse().stream())
                    .toList();
            assertThat(silent).as("errors without an ErrorResponse, of " + errors).isEmpty();
            assertThat(errors).as("writes refused by the standby").noneMatch(error -> error.contains(READ_ONLY));
            assertThat(refusedWrites(standby)).as("writes refused in the standby's log: the test's own only").isOne();

            Jdbc.await("SHOW hosts: the killed primary down", 10_000,
                    () -> "down".equals(hostRow(router.consolePort(), primary).get("state")));
            assertThat(hostRow(router.consolePort(), primary).get("last_error")).isNotBlank();
            assertThat(hostRow(router.consolePort(), standby)).containsEntry("role", "primary")
                    .containsEntry("state", "up");
        }
    }

    /**
     * pgbench, one second per run, until {@code running} turns false. A run refused at once (no
     * connection) is followed by a short pause rather than by a burst of new processes.
     */
    private static void runBackToBack(Pgbench pgbench, List<Run> runs, AtomicBoolean running) {
        while (running.get()) {
            long start = System.currentTimeMillis();
            // -n: pgbench's vacuum step would also truncate pgbench_history, which the test counts
            ProcessResult result = pgbench.run(Duration.ofSeconds(30), "-n", "-c", "4", "-j", "2", "-T", "1");
            Run run = new Run(start, System.currentTimeMillis(), result);
            runs.add(run);
            if (!run.isClean()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Sessions on the server in a transaction now, other than the watcher's own and the router's health checks. */
    private static long inTransaction(Connection watcher) {
        try {
            return Jdbc.number(watcher, "SELECT count(*) FROM pg_stat_activity WHERE xact_start IS NOT NULL"
                    + " AND pid <> pg_backend_pid() AND application_name <> 'shardgate_health_check'");
        } catch (SQLException e) {
            throw new AssertionError("pg_stat_activity on the primary", e);
        }
    }

    /**
     * A write sent straight to the standby, refused (25006): the standby logs it, which shows that
     * the check of its log at the end would see a write the router sent there. That check expects
     * this line alone.
     */
    private static void witnessWriteOnTheStandby(LocalPostgres standby) throws SQLException {
        try (Connection connection = direct(standby)) {
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> execute(connection, "UPDATE pgbench_branches SET bbalance = bbalance"));
            assertThat(refused.getSQLState()).isEqualTo("25006");
        }
        Jdbc.await("the standby to log the refused write", 5000, () -> refusedWrites(standby) == 1);
    }

    /** The writes {@code server} refused as read-only, by its log. */
    private static long refusedWrites(LocalPostgres server) {
        try {
            return Files.readAllLines(server.logFile()).stream().filter(line -> line.contains(READ_ONLY)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
