package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.ShardLinkSettings;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.junit.jupiter.api.Timeout;

/**
 * One shard down or hung does not take the router down: clients whose transactions go to the other
 * shard log in and work; those of the missing shard get 08001 naming it, within
 * server_connect_timeout when the shard hangs; after the shard is back everything works.
 */
@RealPostgres(servers = 2)
@Timeout(120)
class ShardDownTest {
    private static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY id;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            """;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    @Test
    void withTheFirstShardStoppedClientsOfTheSecondLogInAndWork(PostgresServers servers) throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_shard_stopped");
        sh1.stop();
        try (RunningRouter router = RunningRouter.start(config(account, sh1, sh2))) {
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 1500")).isEqualTo("on sh2");
                SQLException refused = catchThrowableOfType(SQLException.class,
                        () -> Sql.single(client, "SELECT v FROM t WHERE id = 5"));
                assertThat(refused.getSQLState()).isEqualTo("08001");
                assertThat(refused.getMessage()).contains("sh1");
                assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 1500")).as("the session survives").isEqualTo("on sh2");
            }
            var psql = router.psql(account).command("SELECT v FROM t WHERE id = 1500");
            assertThat(psql.stdout()).contains("on sh2");

            sh1.restart();
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 5")).isEqualTo("on sh1");
            }
        } finally {
            if (!sh1.isRunning()) {
                sh1.restart();
            }
        }
    }

    /**
     * COPY into the distributed table opens a shard at its first row: with sh1 stopped, rows that
     * all belong on sh2 are copied; a COPY with one row for sh1 fails naming sh1 (08001) and leaves
     * none of its rows on sh2; once sh1 is back a COPY fills both.
     */
    @Test
    void copyIntoADistributedTableWithAShardStoppedFailsOnlyWhenARowBelongsThere(PostgresServers servers) throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_copy_shard_stopped");
        sh1.stop();
        try (RunningRouter router = RunningRouter.start(config(account, sh1, sh2));
             Connection client = router.connect(account)) {
            CopyManager copy = client.unwrap(PGConnection.class).getCopyAPI();
            String csv = "id,v\n2001,a\n2002,b\n2003,c\n";
            assertThat(copy.copyIn("COPY t (id, v) FROM STDIN (FORMAT csv, HEADER true)", new StringReader(csv)))
                    .isEqualTo(3);
            assertThat(sh2.psql(account.database(), "SELECT string_agg(id::text, ',' ORDER BY id) FROM t WHERE id > 2000"))
                    .isEqualTo("2001,2002,2003");

            SQLException refused = catchThrowableOfType(SQLException.class, () -> copy.copyIn(
                    "COPY t (id, v) FROM STDIN (FORMAT csv)", new StringReader("3001,x\n7,on sh1\n3002,y\n")));
            assertThat(refused.getSQLState()).isEqualTo("08001");
            assertThat(refused.getMessage()).contains("sh1");
            assertThat(sh2.psql(account.database(), "SELECT count(*) FROM t WHERE id > 3000")).as("nothing of it on sh2")
                    .isEqualTo("0");
            assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 1500")).as("the session survives").isEqualTo("on sh2");

            sh1.restart();
            assertThat(copy.copyIn("COPY t (id, v) FROM STDIN (FORMAT csv)", new StringReader("8,x\n3003,y\n")))
                    .isEqualTo(2);
            assertThat(sh1.psql(account.database(), "SELECT count(*) FROM t WHERE id = 8")).isEqualTo("1");
            assertThat(sh2.psql(account.database(), "SELECT count(*) FROM t WHERE id = 3003")).isEqualTo("1");
        } finally {
            if (!sh1.isRunning()) {
                sh1.restart();
            }
        }
    }

    @Test
    void aHungShardFailsItsClientsWithinTheConnectTimeoutAndNobodyElseWaits(PostgresServers servers) throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_shard_hung");
        long postmaster = postmasterOf(sh1);
        // the postmaster stopped: the kernel still completes TCP handshakes, nobody answers a login
        signal("STOP", postmaster);
        RouterConfig.Builder config = config(account, sh1, sh2);
        long starting = System.nanoTime();
        try (RunningRouter router = RunningRouter.start(config)) {
            // start-up (two-phase recovery included) waits for no hung shard: sh2's clients are served at once
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 1500")).isEqualTo("on sh2");
            }
            // "at once": sooner than sh1's connect timeout, which a wait for sh1 would take (a busy machine
            // may take a second or two for a start and a login)
            assertThat(Duration.ofNanos(System.nanoTime() - starting)).as("from start to sh2's first answer")
                    .isLessThan(CONNECT_TIMEOUT);
            try (Connection client = router.connect(account)) {
                long started = System.nanoTime();
                SQLException refused = catchThrowableOfType(SQLException.class,
                        () -> Sql.single(client, "SELECT v FROM t WHERE id = 5"));
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertThat(refused.getSQLState()).isEqualTo("08001");
                assertThat(refused.getMessage()).contains("sh1").contains("server_connect_timeout");
                assertThat(waited).isBetween(CONNECT_TIMEOUT.minusMillis(100), CONNECT_TIMEOUT.plusSeconds(3));
            }
            // while a client of sh1 waits for it, sh2's clients and the console answer at once
            CompletableFuture<String> waiting = askSh1(router, account);
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                try (Connection client = router.connect(account)) {
                    assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 1500")).isEqualTo("on sh2");
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a login and a query of sh2")
                        .isLessThan(CONNECT_TIMEOUT);
                started = System.nanoTime();
                try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                        + router.consolePort() + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple")) {
                    var shards = console.createStatement().executeQuery("SHOW shards");
                    int rows = 0;
                    while (shards.next()) {
                        rows++;
                    }
                    assertThat(rows).as("SHOW shards while sh1 hangs").isEqualTo(2);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the console").isLessThan(CONNECT_TIMEOUT);
            }
            assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("08001");
            signal("CONT", postmaster);
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 5")).isEqualTo("on sh1");
            }
        } finally {
            signal("CONT", postmaster);
        }
    }

    @Test
    void aRouterStopsAtOnceWhileAClientWaitsForAHungShard(PostgresServers servers) throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_shard_hung_stop");
        long postmaster = postmasterOf(sh1);
        signal("STOP", postmaster);
        try {
            RunningRouter router = RunningRouter.start(config(account, sh1, sh2));
            CompletableFuture<String> waiting = askSh1(router, account);
            Thread.sleep(300); // the client waits for sh1 now
            long started = System.nanoTime();
            router.close();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("stopping the router").isLessThan(Duration.ofSeconds(2));
            assertThat(waiting.get(10, TimeUnit.SECONDS)).as("the waiting client got an error").isNotNull();
        } finally {
            signal("CONT", postmaster);
        }
    }

    @Test
    void queryTimeoutCancelsAQueryOnAHungShardAndClosesItsBackendWhenTheCancelGoesUnanswered(PostgresServers servers)
            throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_query_timeout");
        Duration queryTimeout = Duration.ofSeconds(2);
        Duration cancelWait = Duration.ofSeconds(1);
        RouterConfig.Builder config = config(account, sh1, sh2,
                ShardLinkSettings.DEFAULTS.withQueryTimeouts(queryTimeout, cancelWait));
        try (RunningRouter router = RunningRouter.start(config);
             Connection client = router.connect(account)) {
            assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 5")).as("a pooled backend of sh1").isEqualTo("on sh1");
            List<Long> stopped = stopEveryProcessOf(sh1); // the pooled backend hangs too, not only new logins
            try {
                CompletableFuture<String> neighbour = CompletableFuture.supplyAsync(() -> {
                    long started = System.nanoTime();
                    try (Connection other = router.connect(account)) {
                        Sql.single(other, "SELECT v FROM t WHERE id = 1500");
                    } catch (SQLException e) {
                        return e.getSQLState();
                    }
                    return Duration.ofNanos(System.nanoTime() - started).toMillis() < 1000 ? "fast" : "slow";
                }, Thread::startVirtualThread);
                long started = System.nanoTime();
                SQLException cancelled = catchThrowableOfType(SQLException.class,
                        () -> Sql.single(client, "SELECT v FROM t WHERE id = 5"));
                Duration waited = Duration.ofNanos(System.nanoTime() - started);
                assertThat(cancelled.getSQLState()).isEqualTo("57014");
                assertThat(cancelled.getMessage()).contains("query_timeout").contains("\"sh1\"")
                        .contains(sh1.host() + ":" + sh1.port()).contains("cancel_wait_timeout");
                assertThat(waited).isBetween(queryTimeout.minusMillis(100), queryTimeout.plus(cancelWait).plusSeconds(2));
                assertThat(neighbour.get(10, TimeUnit.SECONDS)).as("sh2's client meanwhile").isEqualTo("fast");
                assertThat(activeBackendsOf(router, account, "sh1")).as("sh1's pool slot is free").isZero();
            } finally {
                signalAll("CONT", stopped);
            }
            try (Connection again = router.connect(account)) {
                assertThat(Sql.single(again, "SELECT v FROM t WHERE id = 5")).isEqualTo("on sh1");
            }
            client.close();
            assertNothingLeaked(router, account, sh1, sh2);
        }
    }

    @Test
    void aClientsCancelOfAQueryOnAHungShardEndsItWithinTheCancelWaitTimeout(PostgresServers servers) throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_cancel_wait");
        Duration cancelWait = Duration.ofSeconds(1);
        RouterConfig.Builder config = config(account, sh1, sh2,
                ShardLinkSettings.DEFAULTS.withQueryTimeouts(Duration.ZERO, cancelWait));
        List<Long> stopped = List.of();
        try (RunningRouter router = RunningRouter.start(config);
             Connection client = router.connect(account);
             var statement = client.createStatement()) {
            CompletableFuture<String> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    statement.executeQuery("SELECT pg_sleep(60) FROM t WHERE id = 5");
                    return "answered";
                } catch (SQLException e) {
                    return e.getSQLState() + " " + e.getMessage();
                }
            }, Thread::startVirtualThread);
            Thread.sleep(500); // the query runs on sh1 now
            stopped = stopEveryProcessOf(sh1);
            long started = System.nanoTime();
            statement.cancel();
            String outcome = sleeping.get(10, TimeUnit.SECONDS);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat(outcome).startsWith("57014").contains("cancel request").contains("\"sh1\"")
                    .contains("cancel_wait_timeout");
            assertThat(waited).isLessThan(cancelWait.plusSeconds(3));
            assertThat(activeBackendsOf(router, account, "sh1")).as("sh1's pool slot is free").isZero();
            signalAll("CONT", stopped);
            try (Connection again = router.connect(account)) {
                assertThat(Sql.single(again, "SELECT v FROM t WHERE id = 5")).isEqualTo("on sh1");
            }
            assertNothingLeaked(router, account, sh1, sh2);
        } finally {
            signalAll("CONT", stopped);
        }
    }

    /**
     * Counted on the shards and on this process's sockets: no backend of the account is left in a
     * transaction, each shard has exactly the backends the router's pools hold open (and the health
     * check's own connection), and no socket of
     * the router to a shard lingers half-closed (CLOSE-WAIT).
     */
    /**
     * A shard opened at its first row dies while the COPY goes on: the client gets an error naming
     * it, not a hang; the other shard keeps none of the COPY's rows and no backend in a
     * transaction; the session goes on, and so does the next COPY once the shard answers again.
     */
    @Test
    void aShardOpenedAtItsFirstRowThatDiesMidCopyFailsTheCopyAndNothingIsKept(PostgresServers servers) throws Exception {
        LocalPostgres sh1 = servers.get(0);
        LocalPostgres sh2 = servers.get(1);
        Account account = accountOnBoth(sh1, sh2, "rt_copy_shard_dies");
        try (RunningRouter router = RunningRouter.start(config(account, sh1, sh2));
             Connection client = router.connect(account)) {
            CopyManager copy = client.unwrap(PGConnection.class).getCopyAPI();
            org.postgresql.copy.CopyIn in = copy.copyIn("COPY t (id, v) FROM STDIN (FORMAT csv)");
            write(in, "4001,a\n4002,b\n"); // sh2 first
            write(in, "11,on sh1\n"); // opens sh1
            String sh1Backend = "usename = '" + account.user() + "' AND query LIKE 'COPY%'";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sh1.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE " + sh1Backend).equals("1")) {
                assertThat(System.nanoTime()).as("the COPY's backend on sh1").isLessThan(deadline);
                Thread.sleep(20);
            }
            assertThat(sh1.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + sh1Backend))
                    .isEqualTo("t");
            SQLException failed = catchThrowableOfType(SQLException.class, () -> {
                write(in, "12,x\n4003,c\n");
                in.endCopy();
            });
            assertThat((Throwable) failed).as("the COPY fails").isNotNull();
            // the router meets the dead backend writing to it (08006, naming the shard), or reads its
            // last words first (the shard's own 57P01)
            assertThat(failed.getSQLState()).isIn("08006", "57P01");
            if (failed.getSQLState().equals("08006")) {
                assertThat(failed.getMessage()).contains("shard \"sh1\"");
            }
            assertThat(sh2.psql(account.database(), "SELECT count(*) FROM t WHERE id > 4000")).as("nothing of it on sh2")
                    .isEqualTo("0");
            assertThat(Sql.single(client, "SELECT v FROM t WHERE id = 1500")).as("the session survives").isEqualTo("on sh2");
            assertThat(copy.copyIn("COPY t (id, v) FROM STDIN (FORMAT csv)", new StringReader("13,x\n4004,y\n")))
                    .isEqualTo(2);
            assertThat(sh1.psql(account.database(), "SELECT count(*) FROM t WHERE id = 13")).isEqualTo("1");
            assertThat(sh2.psql(account.database(), "SELECT count(*) FROM t WHERE id = 4004")).isEqualTo("1");
            assertNothingLeaked(router, account, sh1, sh2);
        }
    }

    private static void write(org.postgresql.copy.CopyIn in, String rows) throws SQLException {
        byte[] bytes = rows.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        in.writeToCopy(bytes, 0, bytes.length);
        in.flushCopy();
    }

    private static void assertNothingLeaked(RunningRouter router, Account account, LocalPostgres... shards)
            throws Exception {
        for (int i = 0; i < shards.length; i++) {
            LocalPostgres shard = shards[i];
            String id = "sh" + (i + 1);
            // the router's health check of the host has a connection of its own, outside the pools
            String checks = "application_name = 'shardgate_health_check'";
            String where = "usename = '" + account.user() + "' AND backend_type = 'client backend' AND NOT " + checks;
            // a backend the router closed may take a moment to leave pg_stat_activity
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                int onShard = Integer.parseInt(shard.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE " + where));
                int inPools = backendsOf(router, account, account.user(), id);
                if (onShard == inPools || System.nanoTime() > deadline) {
                    assertThat(onShard).as("backends of " + id + " on the shard vs in the router's pools").isEqualTo(inPools);
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(shard.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE " + where
                    + " AND state LIKE 'idle in transaction%'")).as("backends of " + id + " left in a transaction").isEqualTo("0");
            assertThat(socketsTo(shard, "CLOSE-WAIT")).as("half-closed sockets to " + id).isZero();
            // a health check may be logging in right now: its socket is open before its backend is listed
            long socketsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                int checkConnections = Integer.parseInt(shard.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE " + checks));
                long sockets = socketsTo(shard, "ESTAB");
                int expected = backendsOf(router, account, null, id) + checkConnections;
                if (sockets == expected || System.nanoTime() > socketsDeadline) {
                    assertThat(sockets).as("open sockets to " + id + " vs backends in the pools and health checks")
                            .isEqualTo(expected);
                    break;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Rows of SHOW backend_connections on {@code shard} for {@code user}, or for every user when null. */
    private static int backendsOf(RunningRouter router, Account account, String user, String shard) throws SQLException {
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple");
             var rows = console.createStatement().executeQuery("SHOW backend_connections")) {
            int count = 0;
            while (rows.next()) {
                if (rows.getString("shard_id").equals(shard) && (user == null || rows.getString("user").equals(user))) {
                    count++;
                }
            }
            return count;
        }
    }

    /** This process's TCP sockets to the server's port in {@code state}, as {@code ss} lists them. */
    private static long socketsTo(LocalPostgres server, String state) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tanp").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        ss.waitFor();
        String pid = "pid=" + ProcessHandle.current().pid() + ",";
        // the peer as ss prints it: 127.0.0.1:port, or [::ffff:127.0.0.1]:port for a dual-stack socket
        java.util.function.Predicate<String> isServer = peer -> peer.endsWith(":" + server.port())
                && peer.replace("[::ffff:", "").replace("]", "").equals(server.host() + ":" + server.port());
        return out.lines().filter(line -> line.startsWith(state) && line.contains(pid))
                .filter(line -> line.split("\\s+").length > 4 && isServer.test(line.split("\\s+")[4])).count();
    }

    /** Stops the server's postmaster and every process under it: running backends hang as well. */
    private static List<Long> stopEveryProcessOf(LocalPostgres server) throws IOException, InterruptedException {
        long postmaster = postmasterOf(server);
        List<Long> pids = new java.util.ArrayList<>();
        pids.add(postmaster);
        ProcessHandle.of(postmaster).orElseThrow().descendants().forEach(p -> pids.add(p.pid()));
        signalAll("STOP", pids);
        return pids;
    }

    private static void signalAll(String name, List<Long> pids) throws IOException, InterruptedException {
        for (long pid : pids) {
            signal(name, pid);
        }
    }

    /** The "active" column of SHOW pools for the account's pool of {@code shard}, 0 when it has none. */
    private static int activeBackendsOf(RunningRouter router, Account account, String shard) throws SQLException {
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=" + account.user() + "&preferQueryMode=simple");
             var pools = console.createStatement().executeQuery("SHOW pools")) {
            int active = 0;
            while (pools.next()) {
                if (pools.getString("shard_id").equals(shard) && pools.getString("user").equals(account.user())) {
                    active += pools.getInt("active");
                }
            }
            return active;
        }
    }

    private static long postmasterOf(LocalPostgres server) throws IOException {
        return PostmasterProcess.of(server).pid();
    }

    /** A client of sh1 asking for its row on a thread of its own: the row, or the SQLSTATE it got. */
    private static CompletableFuture<String> askSh1(RunningRouter router, Account account) {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection client = router.connect(account)) {
                return Sql.single(client, "SELECT v FROM t WHERE id = 5");
            } catch (SQLException e) {
                return e.getSQLState();
            }
        }, Thread::startVirtualThread);
    }

    private static Account accountOnBoth(LocalPostgres sh1, LocalPostgres sh2, String name) {
        Account account = Account.create(sh1, name);
        sh2.createUser(account.user(), account.password());
        sh2.createDatabase(account.database(), account.user());
        for (LocalPostgres shard : new LocalPostgres[] {sh1, sh2}) {
            String label = shard == sh1 ? "on sh1" : "on sh2";
            shard.psql(account.database(), "CREATE TABLE t (id int PRIMARY KEY, v text); ALTER TABLE t OWNER TO " + name
                    + "; INSERT INTO t VALUES (" + (shard == sh1 ? 5 : 1500) + ", '" + label + "')");
        }
        return account;
    }

    private static RouterConfig.Builder config(Account account, LocalPostgres sh1, LocalPostgres sh2) throws IOException {
        ShardLinkSettings defaults = ShardLinkSettings.DEFAULTS;
        return config(account, sh1, sh2, new ShardLinkSettings(CONNECT_TIMEOUT, defaults.tcpKeepalive(), defaults.tcpKeepIdle(),
                defaults.tcpKeepInterval(), defaults.tcpKeepCount(), defaults.queryTimeout(), defaults.cancelWaitTimeout()));
    }

    private static RouterConfig.Builder config(Account account, LocalPostgres sh1, LocalPostgres sh2, ShardLinkSettings links)
            throws IOException {
        Path init = Files.createTempFile("shard-down", ".sql");
        Files.writeString(init, METADATA);
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .shard("sh1", ShardConfig.data(sh1.host() + ":" + sh1.port()))
                .shard("sh2", ShardConfig.data(sh2.host() + ":" + sh2.port()))
                .defaultRouteBehaviour(DefaultRouteBehaviour.BLOCK)
                .initSqlFile(init)
                .shardLinks(links);
        return RunningRouter.trusting(config, account, 4)
                .frontendRule(FrontendRule.console(account.user(), AuthRule.ok()));
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        PostmasterProcess.signal(name, pid);
    }
}
