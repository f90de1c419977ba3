package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.PoolMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Who gets in, who is told why not, and that broken clients cannot stall the router for others. */
@RealPostgres(servers = 2)
@Timeout(60)
class ClientLoginTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    private static Account owner;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        LocalPostgres shard = servers.get(0);
        owner = Account.create(shard, "rt_login");
        var config = RunningRouter.configFor(shard);
        for (AuthMethod method : List.of(AuthMethod.MD5, AuthMethod.SCRAM, AuthMethod.CLEAR_TEXT)) {
            Account client = userFor(method);
            if (!client.user().equals(owner.user())) {
                owner.withUser(shard, client.user());
            }
            config.frontendRule(RunningRouter.frontend(client, PoolMode.TRANSACTION, new AuthRule(method, client.password())))
                    .backendRule(RunningRouter.backend(client, 4, AuthRule.ok()));
        }
        router = RunningRouter.start(config);
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    /** rt_login itself for md5, rt_login_scram and rt_login_clear_text for the others. */
    private static Account userFor(AuthMethod method) {
        String user = method == AuthMethod.MD5 ? owner.user() : owner.user() + "_" + method.configName();
        return new Account(owner.database(), user, user + "-pw");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = AuthMethod.class, names = {"MD5", "SCRAM", "CLEAR_TEXT"})
    void rightPasswordLetsTheClientIn(AuthMethod method) throws SQLException {
        Account client = userFor(method);
        try (Connection connection = router.connect(client)) {
            assertThat(Sql.single(connection, "select current_user")).isEqualTo(client.user());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = AuthMethod.class, names = {"MD5", "SCRAM", "CLEAR_TEXT"})
    void wrongPasswordIsRejectedWith28P01(AuthMethod method) {
        Account client = userFor(method);
        SQLException error = Sql.assertFailsWith("28P01", () -> router.connect(client.withPassword("not-the-password")).close());
        assertThat(error.getMessage()).contains("password authentication failed for user \"" + client.user() + "\"");
    }

    @Test
    void noFrontendRuleForTheDatabaseIsRejectedWith28000() {
        Account elsewhere = new Account("postgres", owner.user(), owner.password());
        SQLException error = Sql.assertFailsWith("28000", () -> router.connect(elsewhere).close());
        assertThat(error.getMessage()).contains("no frontend rule").contains("\"rt_login\"").contains("\"postgres\"");
    }

    /** As PostgreSQL's mock authentication: an unknown user cannot be told from a wrong password. */
    @Test
    void noFrontendRuleForTheUserLooksLikeAWrongPassword() {
        Account stranger = new Account(owner.database(), "rt_stranger", "whatever");
        SQLException error = Sql.assertFailsWith("28P01", () -> router.connect(stranger).close());
        assertThat(error.getMessage()).contains("password authentication failed for user \"rt_stranger\"");
    }

    @Test
    void aKnownUserWithAWrongPasswordLearnsNothingAboutTheDatabase() {
        Account elsewhere = new Account("postgres", owner.user(), "not-the-password");
        SQLException error = Sql.assertFailsWith("28P01", () -> router.connect(elsewhere).close());
        assertThat(error.getMessage()).doesNotContain("postgres").doesNotContain("frontend rule");
    }

    @Test
    void httpRequestInsteadOfAStartupPacketIsAnsweredPromptly() throws Exception {
        try (RawClient http = new RawClient(router.port())) {
            http.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawClient.Answer answer = http.answer(PROMPTLY);
            assertThat(answer).as("an ErrorResponse or a closed connection within " + PROMPTLY)
                    .isInstanceOfAny(RawClient.Error.class, RawClient.Closed.class);
            if (answer instanceof RawClient.Error error) {
                assertThat(error.sqlState()).isEqualTo("08P01");
            }
        }
        assertQueriesWork(1);
    }

    @Test
    void startupPacketWithAnUnknownProtocolVersionIsAnsweredPromptly() throws Exception {
        try (RawClient client = new RawClient(router.port())) {
            client.send(ByteBuffer.allocate(8).putInt(8).putInt(1234 << 16 | 5678).array());
            RawClient.Answer answer = client.answer(PROMPTLY);
            assertThat(answer).as("an ErrorResponse or a closed connection within " + PROMPTLY)
                    .isInstanceOfAny(RawClient.Error.class, RawClient.Closed.class);
            if (answer instanceof RawClient.Error error) {
                assertThat(error.sqlState()).isIn("0A000", "08P01");
            }
        }
        assertQueriesWork(1);
    }

    @Test
    void truncatedStartupPacketThenCloseLeavesTheRouterServing() throws Exception {
        try (RawClient truncated = new RawClient(router.port())) {
            truncated.send(startupPrefix(100, 10));
        }
        assertQueriesWork(2);
    }

    @Test
    void halfOpenConnectionsDoNotHoldUpOtherClients() throws Exception {
        try (RawClient truncated = new RawClient(router.port()); RawClient silent = new RawClient(router.port())) {
            truncated.send(startupPrefix(100, 10));
            assertThat(truncated.answer(Duration.ofMillis(300))).isInstanceOf(RawClient.Silence.class);
            long start = System.nanoTime();
            assertQueriesWork(4);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
        }
        assertQueriesWork(1);
    }

    /** The first {@code sent} bytes of a startup packet whose length word says {@code claimedLength}. */
    private static byte[] startupPrefix(int claimedLength, int sent) {
        ByteBuffer packet = ByteBuffer.allocate(sent);
        packet.putInt(claimedLength).putInt(196608); // protocol 3.0
        while (packet.hasRemaining()) {
            packet.put((byte) 'u');
        }
        return packet.array();
    }

    /** {@code clients} normal clients connect at once and each runs a query. */
    private static void assertQueriesWork(int clients) throws Exception {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int n = i;
            answers.add(CompletableFuture.supplyAsync(() -> {
                try (Connection connection = router.connect(owner)) {
                    return Sql.single(connection, "select " + n + " + 1");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int i = 0; i < clients; i++) {
            assertThat(answers.get(i).get(20, TimeUnit.SECONDS)).isEqualTo(String.valueOf(i + 1));
        }
    }
}
