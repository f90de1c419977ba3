package dev.shardgate.wire.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.AuthenticationMd5Password;
import dev.shardgate.wire.AuthenticationSasl;
import dev.shardgate.wire.AuthenticationSaslContinue;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.Encoder;
import dev.shardgate.wire.PasswordMessage;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.SqlState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The mock exchange for unknown users, the login deadline and the failed-login brake. */
class LoginGuardsTest {

    @Test
    void anUnknownUserIsAskedForAnMd5PasswordAndToldItFailed() {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        PgReader in = new PgReader(new ByteArrayInputStream(Encoder.encode(PasswordMessage.cleartext("md5abc"))), 1 << 20);

        assertThatThrownBy(() -> PasswordExchange.refuse(in, new PgWriter(sent), PasswordExchange.Method.MD5, "mallory"))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_PASSWORD);
                    assertThat(e.getMessage()).isEqualTo("password authentication failed for user \"mallory\"");
                });
        assertThat(new PgReader(new ByteArrayInputStream(sent.toByteArray()), 1 << 20))
                .satisfies(reader -> assertThat(reader.readBackend()).isInstanceOf(AuthenticationMd5Password.class));
    }

    /** As scram_mock_salt: the same salt for every attempt with one name, so a probe sees no difference. */
    @Test
    void anUnknownUserGoesThroughScramWithAStableSaltAndFailsAtTheProof() throws Exception {
        String first = mockScramServerFirst("mallory");
        String again = mockScramServerFirst("mallory");
        String other = mockScramServerFirst("trudy");
        assertThat(salt(first)).isEqualTo(salt(again)).isNotEqualTo(salt(other));
        assertThat(first).contains(",i=4096");
    }

    /** Runs a client with a guessed password against the mock exchange; returns the server-first message. */
    private static String mockScramServerFirst(String user) throws Exception {
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
        PipedOutputStream toClient = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(toClient, 1 << 16);
        List<Throwable> serverError = new ArrayList<>();
        Thread server = Thread.ofVirtual().start(() -> {
            try {
                PasswordExchange.refuse(new PgReader(serverIn, 1 << 20), new PgWriter(toClient), PasswordExchange.Method.SCRAM, user);
            } catch (Throwable e) {
                serverError.add(e);
            }
        });
        PgReader fromServer = new PgReader(clientIn, 1 << 20);
        PgWriter out = new PgWriter(toServer);
        assertThat(fromServer.readBackend()).isInstanceOf(AuthenticationSasl.class);
        ScramClient client = new ScramClient("a guess");
        out.write(PasswordMessage.saslInitialResponse(ScramSha256.MECHANISM, client.clientFirst()));
        out.flush();
        BackendMessage serverFirst = fromServer.readBackend();
        byte[] serverFirstData = ((AuthenticationSaslContinue) serverFirst).data();
        out.write(PasswordMessage.saslResponse(client.clientFinal(serverFirstData)));
        out.flush();
        server.join(5000);
        assertThat(serverError).singleElement().isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_PASSWORD);
            assertThat(e.getMessage()).isEqualTo("password authentication failed for user \"" + user + "\"");
        });
        return new String(serverFirstData, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String salt(String serverFirst) {
        return serverFirst.replaceAll(".*,s=([^,]+),.*", "$1");
    }

    @Test
    void aDeadlineThatPassesCutsTheInputOffOnce() throws Exception {
        CountDownLatch cut = new CountDownLatch(1);
        LoginDeadline deadline = LoginDeadline.start(Duration.ofMillis(50), cut::countDown);
        assertThat(cut.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(deadline.hasExpired()).isTrue();
        assertThat(deadline.finish()).as("a login finishing after its deadline failed").isFalse();
    }

    @Test
    void aLoginFinishedInTimeIsNeverCutOff() throws Exception {
        AtomicBoolean cut = new AtomicBoolean();
        LoginDeadline deadline = LoginDeadline.start(Duration.ofSeconds(1), () -> cut.set(true));
        assertThat(deadline.finish()).isTrue();
        Thread.sleep(1500);
        assertThat(cut).isFalse();
        assertThat(deadline.hasExpired()).isFalse();
    }

    @Test
    void afterAFailureTheAddressWaitsItsTurnOrIsRefusedWhenTheTurnIsTooFar() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.7");
        InetAddress bystander = InetAddress.getByName("192.0.2.8");
        FailedLogins logins = new FailedLogins(Duration.ofSeconds(30));
        assertThat(logins.awaitTurn(guesser, Duration.ofSeconds(1))).isTrue();

        logins.failed(guesser);

        assertThat(logins.awaitTurn(guesser, Duration.ofSeconds(1))).as("turn 30 s away, login may wait 1 s").isFalse();
        assertThat(logins.awaitTurn(bystander, Duration.ofSeconds(1))).isTrue();
        logins.succeeded(guesser);
        assertThat(logins.awaitTurn(guesser, Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void failedLoginsFromOneAddressAreSpacedOneDelayApart() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.9");
        FailedLogins logins = new FailedLogins(Duration.ofMillis(200));
        logins.failed(guesser);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(logins.awaitTurn(guesser, Duration.ofSeconds(10))).isTrue();
        }
        // turns at 200, 400 and 600 ms after the failure: at least 400 ms from here
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void zeroDelayTurnsTheBrakeOff() throws Exception {
        InetAddress guesser = InetAddress.getByName("192.0.2.10");
        FailedLogins logins = new FailedLogins(Duration.ZERO);
        logins.failed(guesser);
        assertThat(logins.awaitTurn(guesser, Duration.ZERO)).isTrue();
        assertThat(logins.remembered()).isZero();
    }

}
