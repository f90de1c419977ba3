package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real pgbench through the router: initialization, then the TPC-B-like script with each query
 * protocol in each pool mode. In TRANSACTION mode four clients share two backends.
 *
 * <p>pgbench -M prepared prepares synchronously: PQprepare blocks the whole thread, while the
 * thread's other clients may hold backends in open transactions. With more clients than backends a
 * prepare that needed a backend waited for pool_wait_timeout; the router now answers the prepare of a
 * statement a shard already accepted without a backend.
 */
@RealPostgres(servers = 2)
@Timeout(120)
class PgbenchTest {
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

    private static LocalPostgres shard;
    private static Account transactionUser;
    private static Account sessionUser;
    private static RunningRouter router;

    @BeforeAll
    static void initializeThroughTheRouter(PostgresServers servers) {
        shard = servers.get(0);
        transactionUser = Account.create(shard, "rt_bench");
        sessionUser = transactionUser.withUser(shard, "rt_bench_session");
        var config = RunningRouter.configFor(shard);
        RunningRouter.admit(config, transactionUser, PoolMode.TRANSACTION, 2);
        RunningRouter.admit(config, sessionUser, PoolMode.SESSION, 4);
        router = RunningRouter.start(config);

        ProcessResult init = router.pgbench(transactionUser).initialize(1, Duration.ofMinutes(2));
        assertThat(init.exitCode()).as(init.stderr()).isZero();
        assertThat(init.stderr()).containsIgnoringCase("done in");
        assertThat(shard.psql(transactionUser.database(),
                "SELECT (SELECT count(*) FROM pgbench_accounts) || ' ' || (SELECT count(*) FROM pgbench_branches)"))
                .isEqualTo("100000 1");
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @ParameterizedTest(name = "{0} pool mode, -M {1}")
    @CsvSource({
            "TRANSACTION, simple", "TRANSACTION, extended", "TRANSACTION, prepared",
            "SESSION, simple", "SESSION, extended", "SESSION, prepared"})
    void tpcbLikeRun(PoolMode mode, String protocol) {
        Account client = mode == PoolMode.TRANSACTION ? transactionUser : sessionUser;
        // -j 4: one thread per client, see the class comment
        ProcessResult run = router.pgbench(client).run(Duration.ofSeconds(60), "-M", protocol, "-c", "4", "-j", "4", "-T", "2");

        String output = run.stdout() + run.stderr();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output.toLowerCase(Locale.ROOT)).as(output).doesNotContain("error");
        assertThat(run.stdout()).contains("query mode: " + protocol).contains("number of failed transactions: 0");
        long processed = processed(run.stdout());
        assertThat(processed).as(output).isPositive();
        // pgbench truncates pgbench_history before a run (its vacuum step, through the router too), and
        // each TPC-B-like transaction inserts one row: none lost, none doubled
        assertThat(historyRows()).isEqualTo(processed);
    }

    @Test
    void preparedWithTwoClientsPerThreadOverTwoBackendsDoesNotStall() {
        ProcessResult run = router.pgbench(transactionUser).run(Duration.ofSeconds(60),
                "-M", "prepared", "-c", "8", "-j", "2", "-T", "3");

        String output = run.stdout() + run.stderr();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output.toLowerCase(Locale.ROOT)).as(output).doesNotContain("error");
        assertThat(run.stdout()).contains("number of failed transactions: 0");
        assertThat(historyRows()).isEqualTo(processed(run.stdout()));
    }

    /** A new connection per transaction (-C): sockets close and their descriptors come back at once, to other sessions. */
    @Test
    void aConnectionPerTransactionLosesNothing() {
        ProcessResult run = router.pgbench(transactionUser).run(Duration.ofSeconds(60),
                "-M", "simple", "-C", "-c", "8", "-j", "4", "-T", "2");

        String output = run.stdout() + run.stderr();
        assertThat(run.exitCode()).as(output).isZero();
        assertThat(output.toLowerCase(Locale.ROOT)).as(output).doesNotContain("error");
        assertThat(historyRows()).isEqualTo(processed(run.stdout()));
    }

    /** The same sessions on the JDK's own virtual-thread scheduler and plain sockets ({@code event_loops: 0}). */
    @Test
    void withEventLoopsOffTheJdkSchedulerServesTheSameRun() {
        var config = RunningRouter.admit(RunningRouter.configFor(shard).eventLoops(0), transactionUser, PoolMode.TRANSACTION, 2);
        try (RunningRouter plain = RunningRouter.start(config)) {
            ProcessResult run = plain.pgbench(transactionUser).run(Duration.ofSeconds(60),
                    "-M", "extended", "-c", "4", "-j", "4", "-T", "2");

            String output = run.stdout() + run.stderr();
            assertThat(run.exitCode()).as(output).isZero();
            assertThat(output.toLowerCase(Locale.ROOT)).as(output).doesNotContain("error");
            assertThat(historyRows()).isEqualTo(processed(run.stdout()));
        }
    }

    private static long processed(String pgbenchOutput) {
        Matcher matcher = PROCESSED.matcher(pgbenchOutput);
        assertThat(matcher.find()).as("pgbench reports transactions processed:\n" + pgbenchOutput).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static long historyRows() {
        return Long.parseLong(shard.psql(transactionUser.database(), "SELECT count(*) FROM pgbench_history"));
    }
}
