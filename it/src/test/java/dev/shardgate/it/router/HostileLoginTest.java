package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.CapturedLogs;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.ClientLimits;
import dev.shardgate.router.config.PoolMode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile client can no longer do at login: trickle its bytes for ever, make the router
 * allocate what it merely claims, take more connections than max_clients, guess passwords at full
 * speed. Each one gets PostgreSQL's error for it, and the router goes on serving others.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class HostileLoginTest {
    private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private static LocalPostgres shard;
    private static Account account;

    @BeforeAll
    static void createAccount(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_hostile");
    }

    private static RunningRouter start(int eventLoops, ClientLimits limits) {
        return RunningRouter.start(RunningRouter.admit(
                RunningRouter.configFor(shard).eventLoops(eventLoops).clientLimits(limits), account, PoolMode.TRANSACTION, 4));
    }

    private static ClientLimits quickAuthTimeout() {
        return ClientLimits.DEFAULTS.withAuthTimeout(AUTH_TIMEOUT).withAuthFailureDelay(Duration.ZERO);
    }

    /** PgBouncer and PostgreSQL close such clients; a timeout per read kept all of them. */
    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aStartupPacketTrickledOneByteAtATimeIsCutOffAtAuthTimeout(int eventLoops) throws Exception {
        try (RunningRouter router = start(eventLoops, quickAuthTimeout());
             RawClient slow = new RawClient(router.port())) {
            byte[] startup = RawClient.startup(account);
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (byte b : startup) { // about 15 s in all, far beyond auth_timeout
                        slow.send(new byte[] {b});
                        Thread.sleep(300);
                    }
                } catch (IOException | InterruptedException e) {
                    // cut off, as it should be
                }
            });
            RawClient.Answer answer = slow.errorOrEnd(Duration.ofSeconds(10));
            trickle.interrupt();
            assertTimedOut(answer);
            assertServes(router);
        }
    }

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aClientSilentAtThePasswordPromptIsCutOffAtAuthTimeout(int eventLoops) throws Exception {
        try (RunningRouter router = start(eventLoops, quickAuthTimeout()); RawClient silent = new RawClient(router.port())) {
            silent.send(RawClient.startup(account));
            assertTimedOut(silent.errorOrEnd(Duration.ofSeconds(10)));
        }
    }

    private static void assertTimedOut(RawClient.Answer answer) {
        assertThat(answer).as("FATAL within 10 s of an auth_timeout of 2 s").isInstanceOf(RawClient.Error.class);
        RawClient.Error error = (RawClient.Error) answer;
        assertThat(error.sqlState()).isEqualTo("57014");
        assertThat(error.fields().get('M')).isEqualTo("canceling authentication due to timeout");
    }

    /** 24 such clients used to fill a 6 GB heap: the buffer was allocated before a byte of it arrived. */
    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void aPasswordMessageClaimingAQuarterGigabyteIsRefusedAtOnce(int eventLoops) throws Exception {
        try (RunningRouter router = start(eventLoops, ClientLimits.DEFAULTS)) {
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 24; i++) {
                    RawClient client = new RawClient(router.port());
                    clients.add(client);
                    client.send(RawClient.startup(account));
                    client.send(ByteBuffer.allocate(5 + 100).put((byte) 'p').putInt(256 << 20).array());
                }
                for (RawClient client : clients) {
                    RawClient.Answer answer = client.errorOrEnd(PROMPTLY);
                    assertThat(answer).isInstanceOf(RawClient.Error.class);
                    assertThat(((RawClient.Error) answer).sqlState()).isEqualTo("08P01");
                    assertThat(((RawClient.Error) answer).fields().get('M')).contains("exceeds the limit of 65539 bytes");
                }
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
            assertServes(router);
        }
    }

    @Test
    void startupPacketsBeyondPostgresLimitsAreRefused() throws Exception {
        try (RunningRouter router = start(2, ClientLimits.DEFAULTS)) {
            try (RawClient huge = new RawClient(router.port())) {
                huge.send(ByteBuffer.allocate(8).putInt(10_005).putInt(196608).array());
                RawClient.Error error = (RawClient.Error) huge.errorOrEnd(PROMPTLY);
                assertThat(error.sqlState()).isEqualTo("08P01");
                assertThat(error.fields().get('M')).isEqualTo("invalid length of startup packet");
            }
            try (RawClient many = new RawClient(router.port())) {
                StringBuilder fields = new StringBuilder("user\0" + account.user() + "\0");
                for (int i = 0; i < 101; i++) {
                    fields.append("p").append(i).append("\0v\0");
                }
                byte[] body = (fields + "\0").getBytes(StandardCharsets.UTF_8);
                many.send(ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(196608).put(body).array());
                RawClient.Error error = (RawClient.Error) many.errorOrEnd(PROMPTLY);
                assertThat(error.sqlState()).isEqualTo("54000");
                assertThat(error.fields().get('M')).contains("too many parameters in startup packet");
            }
        }
    }

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void clientsBeyondMaxClientsAreToldTooManyClientsAndServedOnceOneLeaves(int eventLoops) throws Exception {
        try (RunningRouter router = start(eventLoops, ClientLimits.DEFAULTS.withMaxClients(2))) {
            Connection first = router.connect(account);
            try (Connection second = router.connect(account)) {
                SQLException refused = Sql.assertFailsWith("53300", () -> router.connect(account).close());
                assertThat(refused.getMessage()).contains("sorry, too many clients already");
                assertThat(Sql.single(second, "select 1")).isEqualTo("1");
                first.close();
                long deadline = System.nanoTime() + PROMPTLY.toNanos();
                while (true) { // the slot comes back when the router has seen the client go
                    try (Connection third = router.connect(account)) {
                        assertThat(Sql.single(third, "select 3")).isEqualTo("3");
                        break;
                    } catch (SQLException e) {
                        if (!"53300".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(50);
                    }
                }
            } finally {
                first.close();
            }
        }
    }

    /** A flood of connections from one address is held to client_connection_rate; the next second it gets in. */
    @Test
    void connectionsFromOneAddressBeyondTheRateAreToldTooManyAtOnce() throws Exception {
        try (RunningRouter router = start(2, ClientLimits.DEFAULTS.withConnectionRate(3))) {
            int served = 0;
            SQLException refused = null;
            for (int i = 0; i < 10; i++) {
                try (Connection connection = router.connect(account)) {
                    served++;
                } catch (SQLException e) {
                    refused = e;
                }
            }
            assertThat(served).as("a burst of one second's worth, and what the second refilled").isBetween(3, 6);
            assertThat((Throwable) refused).as("a refusal among them").isNotNull();
            assertThat(refused.getSQLState()).isEqualTo("53300");
            assertThat(refused.getMessage()).contains("too many connections from host \"127.0.0.1\"")
                    .contains("client_connection_rate (3 per second)");
            Thread.sleep(1_100);
            assertServes(router);
        }
    }

    /** 2,269 md5 guesses a second from one client before; now one per auth_failure_delay per address. */
    @Test
    void afterAFailedLoginTheAddressWaitsItsTurnOrIsToldToComeBackLater() throws Exception {
        ClientLimits limits = ClientLimits.DEFAULTS.withAuthTimeout(Duration.ofSeconds(3)).withAuthFailureDelay(Duration.ofSeconds(30));
        try (RunningRouter router = start(2, limits)) {
            Sql.assertFailsWith("28P01", () -> router.connect(account.withPassword("guess-1")).close());
            SQLException second = Sql.assertFailsWith("28000", () -> router.connect(account).close());
            assertThat(second.getMessage()).contains("too many failed logins from host \"127.0.0.1\"");
        }
        try (RunningRouter router = start(2, ClientLimits.DEFAULTS.withAuthFailureDelay(Duration.ofMillis(500)))) {
            Sql.assertFailsWith("28P01", () -> router.connect(account.withPassword("guess-2")).close());
            assertServes(router); // a user who mistyped gets in, after the delay
        }
    }

    @Test
    void rejectionsAreLoggedWithTheClientsAddressAndTheRealReason() throws Exception {
        try (RunningRouter router = start(2, ClientLimits.DEFAULTS.withAuthFailureDelay(Duration.ZERO));
             CapturedLogs logs = CapturedLogs.at(Level.INFO)) {
            Account stranger = new Account(account.database(), "rt_nobody", "whatever");
            Sql.assertFailsWith("28P01", () -> router.connect(stranger).close());
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("event=client_unknown_user address=127.0.0.1 user=rt_nobody"));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line)
                    .contains("event=client_rejected").contains("address=/127.0.0.1:").contains("sqlstate=28P01"));
        }
    }

    private static void assertServes(RunningRouter router) throws SQLException {
        try (Connection connection = router.connect(account)) {
            assertThat(Sql.single(connection, "select 42")).isEqualTo("42");
        }
    }
}
