package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.ExternalCommand;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.ShardLinkSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router's client and backend sockets carry the configured TCP keepalive (tcp_keepidle,
 * tcp_keepintvl, tcp_keepcnt), so a peer that vanishes without a FIN (a host powered off) is noticed
 * within tcp_keepidle + tcp_keepintvl × tcp_keepcnt, not the kernel's two hours: a shard host that
 * vanishes fails its client's statement with an error naming the shard, and a client that vanishes in
 * a transaction has its backend rolled back. The shard also listens on {@link #SHARD_ADDRESS}, the
 * address that vanishes; the client of that test connects from {@link #CLIENT_ADDRESS}.
 */
@RealPostgres(servers = 1, settings = "listen_addresses = '127.0.0.1,127.77.15.1'")
@Timeout(120)
class KeepaliveTest {
    private static final String SHARD_ADDRESS = "127.77.15.1";
    private static final String CLIENT_ADDRESS = "127.77.15.3";
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int COUNT = 2;
    /** tcp_keepidle + tcp_keepintvl × tcp_keepcnt: when the kernel gives a silent peer up. */
    private static final Duration NOTICED_WITHIN = IDLE.plus(INTERVAL.multipliedBy(COUNT));
    /** ss prints a socket's keepalive timer as {@code timer:(keepalive,1.9sec,0)}, or in ms or min. */
    private static final Pattern KEEPALIVE_TIMER = Pattern.compile("timer:\\(keepalive,([0-9.]+)(ms|sec|min),");

    @Test
    void clientAndBackendSocketsCarryTheConfiguredKeepalive(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_keepalive_on");
        try (RunningRouter router = RunningRouter.start(config(shard, account, true, 0));
             Connection client = router.connect(account)) {
            client.setAutoCommit(false);
            Sql.execute(client, "SELECT 1"); // the client now holds a backend: both sockets are open
            List<String> clientSockets = ss("sport = :" + router.port());
            List<String> backendSockets = ss("dport = :" + shard.port());
            assertThat(clientSockets).as("the router's client sockets").isNotEmpty()
                    .allSatisfy(socket -> assertThat(keepaliveTimer(socket)).as(socket).isBetween(Duration.ZERO, IDLE));
            assertThat(backendSockets).as("the router's backend sockets").isNotEmpty()
                    .allSatisfy(socket -> assertThat(keepaliveTimer(socket)).as(socket).isBetween(Duration.ZERO, IDLE));
            client.rollback();
        }
    }

    @Test
    void withoutTcpKeepaliveNoSocketCarriesIt(PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_keepalive_off");
        try (RunningRouter router = RunningRouter.start(config(shard, account, false, 0));
             Connection client = router.connect(account)) {
            client.setAutoCommit(false);
            Sql.execute(client, "SELECT 1");
            assertThat(ss("sport = :" + router.port())).isNotEmpty().noneMatch(socket -> socket.contains("keepalive"));
            assertThat(ss("dport = :" + shard.port())).isNotEmpty().noneMatch(socket -> socket.contains("keepalive"));
            client.rollback();
        }
    }

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aShardHostThatVanishesIsNoticedWithinTheKeepaliveTime(int eventLoops, PostgresServers servers) throws Exception {
        VanishingAddress.assumeAvailable();
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_keepalive_shard_" + eventLoops);
        try (RunningRouter router = RunningRouter.start(config(shard, account, true, eventLoops));
             Connection client = router.connect(account);
             VanishingAddress host = new VanishingAddress(SHARD_ADDRESS)) {
            long started = System.nanoTime();
            CompletableFuture<SQLException> query = CompletableFuture.supplyAsync(
                    () -> catchThrowableOfType(SQLException.class, () -> Sql.single(client, "SELECT pg_sleep(50)")), Thread::startVirtualThread);
            Thread.sleep(500); // the query has reached the shard: the router waits for its answer
            host.vanish();
            SQLException lost = query.get(60, TimeUnit.SECONDS);
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertThat((Throwable) lost).as("the client of a vanished shard host gets an error").isNotNull();
            assertThat(lost.getSQLState()).isEqualTo("08006");
            assertThat(lost.getMessage()).contains("shard \"" + RunningRouter.SHARD + "\"").contains(SHARD_ADDRESS + ":" + shard.port())
                    .contains("Connection timed out");
            assertThat(waited).as("noticed within tcp_keepidle + tcp_keepintvl × tcp_keepcnt, after the vanishing")
                    .isBetween(NOTICED_WITHIN.minusMillis(500), NOTICED_WITHIN.plusSeconds(3));
        }
    }

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aClientThatVanishesInATransactionHasItsBackendRolledBack(int eventLoops, PostgresServers servers) throws Exception {
        VanishingAddress.assumeAvailable();
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_keepalive_client_" + eventLoops);
        shard.psql(account.database(), "CREATE TABLE t (id int PRIMARY KEY, v int); ALTER TABLE t OWNER TO " + account.user()
                + "; INSERT INTO t VALUES (1, 0)");
        try (RunningRouter router = RunningRouter.start(config(shard, account, true, eventLoops));
             Socket socket = new Socket();
             VanishingAddress client = new VanishingAddress(CLIENT_ADDRESS)) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(CLIENT_ADDRESS), 0));
            socket.connect(new InetSocketAddress(RunningRouter.HOST, router.port()), 10_000);
            socket.getOutputStream().write(RawClient.startup(account));
            socket.getOutputStream().write(RawClient.query("BEGIN; UPDATE t SET v = v + 1 WHERE id = 1"));
            socket.getOutputStream().flush();
            awaitInTransaction(shard, account, "1", Duration.ofSeconds(10));
            client.vanish();
            long started = System.nanoTime();
            awaitInTransaction(shard, account, "0", NOTICED_WITHIN.plusSeconds(3));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the backend stays in its transaction until the router gives the client up")
                    .isGreaterThan(NOTICED_WITHIN.minusMillis(500));
        }
    }

    /** Polls until {@code count} backends of the account are idle in a transaction; fails after {@code within}. */
    private static void awaitInTransaction(LocalPostgres shard, Account account, String count, Duration within) throws InterruptedException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + account.user() + "' AND state LIKE 'idle in transaction%'";
        long deadline = System.nanoTime() + within.toNanos();
        String seen = shard.psql("postgres", sql).strip();
        while (!seen.equals(count) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = shard.psql("postgres", sql).strip();
        }
        assertThat(seen).as("backends idle in transaction within " + within).isEqualTo(count);
    }

    /**
     * The established TCP sockets matching an ss filter, one line each, once none has data in flight
     * (ss then shows the retransmission timer, {@code timer:(on,…)}, instead of the keepalive one).
     */
    private static List<String> ss(String filter) throws InterruptedException {
        List<String> sockets = List.of();
        for (int attempt = 0; attempt < 50; attempt++) {
            var result = ExternalCommand.of("/usr/bin/ss", "-Htno", "state", "established", "( " + filter + " )").run(Duration.ofSeconds(10));
            assertThat(result.succeeded()).as("ss: " + result.stderr()).isTrue();
            sockets = result.stdout().lines().filter(line -> !line.isBlank()).toList();
            if (sockets.stream().noneMatch(socket -> socket.contains("timer:(on,"))) {
                break;
            }
            Thread.sleep(100);
        }
        return sockets;
    }

    private static Duration keepaliveTimer(String socket) {
        Matcher timer = KEEPALIVE_TIMER.matcher(socket);
        assertThat(timer.find()).as("a keepalive timer on " + socket).isTrue();
        double value = Double.parseDouble(timer.group(1));
        return switch (timer.group(2)) {
            case "ms" -> Duration.ofMillis((long) value);
            case "sec" -> Duration.ofMillis((long) (value * 1000));
            default -> Duration.ofSeconds((long) (value * 60));
        };
    }

    /** The shard reached at {@link #SHARD_ADDRESS}, keepalive on (idle 2 s, interval 1 s, 2 probes) or off. */
    private static RouterConfig.Builder config(LocalPostgres shard, Account account, boolean keepalive, int eventLoops) {
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .shard(RunningRouter.SHARD, ShardConfig.data(SHARD_ADDRESS + ":" + shard.port()))
                .eventLoops(eventLoops)
                .shardLinks(new ShardLinkSettings(ShardLinkSettings.DEFAULT_SERVER_CONNECT_TIMEOUT, keepalive, IDLE, INTERVAL, COUNT,
                        ShardLinkSettings.DEFAULTS.queryTimeout(), ShardLinkSettings.DEFAULTS.cancelWaitTimeout()));
        return RunningRouter.trusting(config, account, 2);
    }
}
