package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an operator's Prometheus and load balancer see on the router's http_port, and SHOW stats on
 * its console: counters that agree with pgbench, pool gauges that agree with SHOW pools, errors by
 * SQLSTATE class, and /readyz following the shard.
 */
@RealPostgres(servers = 1)
@Timeout(180)
class MetricsTest {
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;
    private static Metrics metrics;

    @BeforeAll
    static void start(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_metrics");
        var config = RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, 4)
                .frontendRule(FrontendRule.console(account.user(), AuthRule.ok()))
                .httpPort(0);
        router = RunningRouter.start(config);
        metrics = new Metrics(router.httpPort());
        ProcessResult init = router.pgbench(account).initialize(1, Duration.ofMinutes(2));
        assertThat(init.exitCode()).as(init.stderr()).isZero();
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void theTransactionCounterAgreesWithPgbenchAndMovesDuringTheRun() throws Exception {
        Map<String, String> mine = Map.of("user", account.user());
        double before = metrics.sum("shardgate_transactions_total", mine);

        // -n: no vacuum before the run, so every transaction counted is one of pgbench's
        CompletableFuture<ProcessResult> run = CompletableFuture.supplyAsync(() -> router.pgbench(account)
                .run(Duration.ofSeconds(60), "-n", "-M", "extended", "-c", "4", "-j", "2", "-T", "4"));
        double during = before;
        while (!run.isDone() && during == before) {
            Thread.sleep(200);
            during = metrics.sum("shardgate_transactions_total", mine);
        }
        ProcessResult result = run.get();
        String output = result.stdout() + result.stderr();
        assertThat(result.exitCode()).as(output).isZero();
        assertThat(during).as("scraped while pgbench ran").isGreaterThan(before);

        long processed = processed(result.stdout());
        double counted = metrics.sum("shardgate_transactions_total", mine) - before;
        assertThat(counted).as("transactions counted vs pgbench's %d", processed)
                .isBetween(processed * 0.97, processed * 1.03 + 4);
        assertThat(metrics.sum("shardgate_transactions_total", Map.of("user", account.user(), "shard", "sh1",
                "route", "single_shard")) - before).as("pgbench's transactions run on sh1").isGreaterThan(processed * 0.9);
        assertThat(metrics.sum("shardgate_transaction_duration_seconds_count", mine))
                .as("each transaction's time observed").isGreaterThanOrEqualTo(before + counted);
        assertThat(metrics.sum("shardgate_statements_total", mine) - before)
                .as("TPC-B-like: seven statements a transaction").isGreaterThan(counted * 5);
    }

    @Test
    void poolGaugesShowWhatShowPoolsShows() throws Exception {
        try (Connection client = router.connect(account)) {
            client.setAutoCommit(false);
            Sql.single(client, "SELECT 1"); // holds a backend until the transaction ends
            Map<String, String> pool = Map.of("shard", "sh1", "user", account.user());
            List<String> shown = showPoolsRow();
            assertThat(metrics.sum("shardgate_pool_connections", with(pool, "state", "active")))
                    .isEqualTo(Double.parseDouble(shown.get(0))).isGreaterThanOrEqualTo(1);
            assertThat(metrics.sum("shardgate_pool_connections", with(pool, "state", "idle")))
                    .isEqualTo(Double.parseDouble(shown.get(1)));
            assertThat(metrics.sum("shardgate_pool_waiting_clients", pool)).isEqualTo(Double.parseDouble(shown.get(2)));
            assertThat(metrics.sum("shardgate_pool_connection_limit", pool)).isEqualTo(4);
            assertThat(metrics.sum("shardgate_client_connections", Map.of("user", account.user()))).isGreaterThanOrEqualTo(1);
            client.rollback();
        }
    }

    @Test
    void errorsAreCountedByTheirSqlstateClass() throws Exception {
        Map<String, String> division = Map.of("class", "22", "source", "shard");
        Map<String, String> undefined = Map.of("class", "42", "source", "shard");
        double divisionsBefore = metrics.sum("shardgate_errors_total", division);
        double undefinedBefore = metrics.sum("shardgate_errors_total", undefined);
        try (Connection client = router.connect(account)) {
            Sql.assertFailsWith("22012", () -> Sql.single(client, "SELECT 1/0"));
            Sql.assertFailsWith("42P01", () -> Sql.single(client, "SELECT * FROM no_such_table"));
        }
        assertThat(metrics.sum("shardgate_errors_total", division)).isEqualTo(divisionsBefore + 1);
        assertThat(metrics.sum("shardgate_errors_total", undefined)).isEqualTo(undefinedBefore + 1);
    }

    @Test
    void aPoolWaitTimeoutIsCountedForItsPool() throws Exception {
        Account waiter = account.withUser(shard, "rt_metrics_wait");
        var config = RunningRouter.trusting(RunningRouter.configFor(shard), waiter, 1)
                .poolWaitTimeout(Duration.ofMillis(300)).httpPort(0);
        try (RunningRouter small = RunningRouter.start(config);
             Connection holder = small.connect(waiter); Connection second = small.connect(waiter)) {
            Metrics its = new Metrics(small.httpPort());
            holder.setAutoCommit(false);
            Sql.single(holder, "SELECT 1"); // the pool's only backend, held by an open transaction
            Sql.assertFailsWith("53300", () -> Sql.single(second, "SELECT 2"));
            assertThat(its.sum("shardgate_pool_wait_timeouts_total", Map.of("shard", "sh1", "user", waiter.user())))
                    .isEqualTo(1);
            assertThat(its.sum("shardgate_errors_total", Map.of("class", "53", "source", "router"))).isEqualTo(1);
            holder.rollback();
        }
    }

    @Test
    void showStatsCountsWhatClientsDid() throws Exception {
        Map<String, String> before = showStatsRow();
        try (Connection client = router.connect(account)) {
            for (int i = 0; i < 5; i++) {
                Sql.single(client, "SELECT count(*) FROM pgbench_branches");
            }
        }
        Map<String, String> after = showStatsRow();
        assertThat(after.keySet()).containsExactly("database", "user", "shard", "route", "total_xact_count",
                "total_query_count", "total_received", "total_sent", "avg_xact_time", "avg_query_time", "p50_xact_time",
                "p95_xact_time", "p99_xact_time");
        assertThat(after.get("shard")).isEqualTo("sh1");
        assertThat(number(after, "total_xact_count") - number(before, "total_xact_count")).isGreaterThanOrEqualTo(5);
        assertThat(number(after, "total_query_count") - number(before, "total_query_count")).isGreaterThanOrEqualTo(5);
        assertThat(number(after, "total_received")).isGreaterThan(number(before, "total_received"));
        assertThat(number(after, "total_sent")).isGreaterThan(number(before, "total_sent"));
        assertThat(number(after, "avg_xact_time")).isPositive();
        assertThat(number(after, "avg_query_time")).isPositive();
        assertThat(number(after, "p99_xact_time")).isGreaterThanOrEqualTo(number(after, "p95_xact_time"))
                .isPositive();
        assertThat(number(after, "p95_xact_time")).isGreaterThanOrEqualTo(number(after, "p50_xact_time"));
    }

    @Test
    void readyzFollowsTheOnlyShardAndHealthzStaysUp() throws Exception {
        assertThat(metrics.get("/healthz").status()).isEqualTo(200);
        assertThat(metrics.get("/readyz").status()).isEqualTo(200);
        try {
            shard.stop();
            Metrics.Answer down = metrics.get("/readyz");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body()).contains("shard \"sh1\"").contains("unreachable").doesNotContain("\n\n");
            assertThat(metrics.get("/healthz").status()).as("alive, if not ready").isEqualTo(200);
        } finally {
            shard.restart();
        }
        eventually(() -> metrics.get("/readyz").status() == 200, Duration.ofSeconds(20));
        assertThat(metrics.get("/metrics").body()).contains("# TYPE shardgate_transactions_total counter");
    }

    private static List<String> showPoolsRow() throws SQLException {
        try (Connection console = console(); ResultSet rows = console.createStatement().executeQuery("SHOW pools")) {
            while (rows.next()) {
                if (rows.getString("shard_id").equals("sh1") && rows.getString("user").equals(account.user())) {
                    return List.of(rows.getString("active"), rows.getString("idle"), rows.getString("waiting"));
                }
            }
        }
        throw new AssertionError("SHOW pools has no pool of sh1 for " + account.user());
    }

    /** The SHOW stats row of the account's single-shard work on sh1, column name to value; empty before any. */
    private static Map<String, String> showStatsRow() throws SQLException {
        try (Connection console = console(); ResultSet rows = console.createStatement().executeQuery("SHOW stats")) {
            while (rows.next()) {
                if (rows.getString("user").equals(account.user()) && rows.getString("route").equals("single_shard")) {
                    Map<String, String> row = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                        row.put(rows.getMetaData().getColumnName(i), rows.getString(i));
                    }
                    return row;
                }
            }
        }
        return Map.of();
    }

    private static long number(Map<String, String> row, String column) {
        return Long.parseLong(row.getOrDefault(column, "0"));
    }

    private static Connection console() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":" + router.consolePort()
                + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple");
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(name, value);
        return all;
    }

    private static long processed(String pgbenchOutput) {
        Matcher matcher = PROCESSED.matcher(pgbenchOutput);
        assertThat(matcher.find()).as("pgbench reports transactions processed:\n" + pgbenchOutput).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static void eventually(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + within).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
