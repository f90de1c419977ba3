package dev.shardgate.wire.auth;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Base64;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** ScramClient and ScramServer against RFC 7677's example, each other, and a PostgreSQL-made secret. */
class ScramExchangeTest {
    // RFC 7677 section 3: user "user", password "pencil".
    static final String RFC_CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    static final String RFC_SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final byte[] RFC_SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    static final String RFC_CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String RFC_SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static final String RFC_CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    @Test
    void clientReproducesRfc7677ExampleByteForByte() {
        ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
        assertThat(text(client.clientFirst())).isEqualTo(RFC_CLIENT_FIRST);
        assertThat(text(client.clientFinal(bytes(RFC_SERVER_FIRST)))).isEqualTo(RFC_CLIENT_FINAL);
        assertThatCode(() -> client.verifyServerFinal(bytes(RFC_SERVER_FINAL))).doesNotThrowAnyException();
    }

    @Test
    void serverReproducesRfc7677ExampleByteForByte() {
        ScramServer server = new ScramServer("user", ScramSecret.fromPassword("pencil", RFC_SALT, 4096), RFC_SERVER_NONCE);
        assertThat(text(server.serverFirst(bytes(RFC_CLIENT_FIRST)))).isEqualTo(RFC_SERVER_FIRST);
        assertThat(text(server.serverFinal(bytes(RFC_CLIENT_FINAL)))).isEqualTo(RFC_SERVER_FINAL);
    }

    @Test
    void clientFirstIsLikeLibpqWithAnEmptyUserName() {
        String first = text(new ScramClient("pencil").clientFirst());
        assertThat(first).matches("n,,n=,r=[A-Za-z0-9+/]{24}");
        assertThat(first).isNotEqualTo(text(new ScramClient("pencil").clientFirst()));
    }

    @Test
    void clientAndServerAgreeOnTheRightPassword() {
        ScramSecret secret = ScramSecret.forPassword("correct horse");
        assertThatCode(() -> exchange(new ScramClient("correct horse"), new ScramServer("alice", secret)))
                .doesNotThrowAnyException();
    }

    @Test
    void serverRejectsAWrongPasswordAsPostgresDoes() {
        ScramSecret secret = ScramSecret.forPassword("correct horse");
        assertPgError(() -> exchange(new ScramClient("battery staple"), new ScramServer("alice", secret)),
                SqlState.INVALID_PASSWORD, "password authentication failed for user \"alice\"");
    }

    @Test
    void serverAcceptsTheRightPasswordAgainstASecretPostgresStored() {
        ScramSecret stored = ScramSecret.parse(ScramSecretTest.POSTGRES_SECRET_FOR_P);
        assertThatCode(() -> exchange(new ScramClient("p"), new ScramServer("u", stored))).doesNotThrowAnyException();
        assertPgError(() -> exchange(new ScramClient("P"), new ScramServer("u", stored)),
                SqlState.INVALID_PASSWORD, "password authentication failed for user \"u\"");
    }

    @Test
    void serverFirstCarriesTheSecretsSaltAndIterations() {
        ScramSecret stored = ScramSecret.parse(ScramSecretTest.POSTGRES_SECRET_FOR_P);
        String serverFirst = text(new ScramServer("u", stored, "SNONCE").serverFirst(bytes("n,,n=ignored,r=CNONCE")));
        assertThat(serverFirst).isEqualTo("r=CNONCESNONCE,s=qyf7ltjZPCQ+urIQAViCIg==,i=4096");
    }

    @Test
    void serverAcceptsAClientThatSupportsChannelBindingButDoesNotUseIt() {
        ScramSecret secret = ScramSecret.fromPassword("pencil", RFC_SALT, 4096);
        ScramServer server = new ScramServer("user", secret, RFC_SERVER_NONCE);
        server.serverFirst(bytes("y,,n=user,r=" + RFC_CLIENT_NONCE));
        // A client that sent "y,," must echo it in c= ("eSws"); RFC 7677's "c=biws" is refused.
        assertPgError(() -> server.serverFinal(bytes(RFC_CLIENT_FINAL)), SqlState.PROTOCOL_VIOLATION,
                "SCRAM channel binding check failed");

        ScramServer again = new ScramServer("user", secret);
        byte[] serverFirst = again.serverFirst(bytes("y,,n=,r=abc"));
        String nonce = text(serverFirst).split(",")[0].substring(2);
        byte[] authMessage = bytes("n=,r=abc," + text(serverFirst) + ",c=eSws,r=" + nonce);
        byte[] salted = ScramSha256.saltedPassword("pencil", RFC_SALT, 4096);
        byte[] clientKey = ScramSha256.clientKey(salted);
        byte[] proof = ScramSha256.xor(clientKey, ScramSha256.hmac(ScramSha256.storedKey(clientKey), authMessage));
        String serverFinal = text(again.serverFinal(bytes("c=eSws,r=" + nonce + ",p=" + Base64.getEncoder().encodeToString(proof))));
        assertThat(serverFinal).isEqualTo("v=" + Base64.getEncoder().encodeToString(
                ScramSha256.hmac(ScramSha256.serverKey(salted), authMessage)));
    }

    @Test
    void clientRejectsAServerThatDoesNotKnowThePassword() {
        ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
        client.clientFinal(bytes(RFC_SERVER_FIRST));
        assertPgError(() -> client.verifyServerFinal(bytes("v=" + Base64.getEncoder().encodeToString(new byte[32]))),
                SqlState.INVALID_PASSWORD, "SCRAM authentication failed: incorrect server signature");
    }

    @Test
    void clientReportsAServerError() {
        ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
        client.clientFinal(bytes(RFC_SERVER_FIRST));
        assertPgError(() -> client.verifyServerFinal(bytes("e=invalid-proof")),
                SqlState.INVALID_PASSWORD, "SCRAM authentication failed: the server reported \"invalid-proof\"");
    }

    @Test
    void serverFinalFromAServerWithAnotherPasswordIsRejected() {
        ScramClient client = new ScramClient("pencil");
        ScramServer impostor = new ScramServer("user", ScramSecret.forPassword("not pencil"));
        byte[] serverFirst = impostor.serverFirst(client.clientFirst());
        byte[] clientFinal = client.clientFinal(serverFirst);
        assertPgError(() -> impostor.serverFinal(clientFinal), SqlState.INVALID_PASSWORD, "password authentication failed for user \"user\"");
    }

    @Test
    void messagesOutOfOrderAreProtocolViolations() {
        ScramServer server = new ScramServer("u", ScramSecret.forPassword("p"));
        assertPgError(() -> server.serverFinal(bytes(RFC_CLIENT_FINAL)), SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message");
        server.serverFirst(bytes("n,,n=,r=abc"));
        assertPgError(() -> server.serverFirst(bytes("n,,n=,r=abc")), SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message");

        ScramClient client = new ScramClient("user", "pencil", RFC_CLIENT_NONCE);
        assertPgError(() -> client.verifyServerFinal(bytes(RFC_SERVER_FINAL)), SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message");
        client.clientFinal(bytes(RFC_SERVER_FIRST));
        assertPgError(() -> client.clientFinal(bytes(RFC_SERVER_FIRST)), SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message");
        client.verifyServerFinal(bytes(RFC_SERVER_FINAL));
        assertPgError(() -> client.verifyServerFinal(bytes(RFC_SERVER_FINAL)), SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message");
    }

    @Test
    void aFailedProofEndsTheExchange() {
        ScramServer server = new ScramServer("user", ScramSecret.fromPassword("pencil", RFC_SALT, 4096), RFC_SERVER_NONCE);
        server.serverFirst(bytes(RFC_CLIENT_FIRST));
        assertPgError(() -> server.serverFinal(bytes(RFC_CLIENT_FINAL.replace("p=d", "p=e"))), SqlState.INVALID_PASSWORD,
                "password authentication failed for user \"user\"");
        assertPgError(() -> server.serverFinal(bytes(RFC_CLIENT_FINAL)), SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message");
    }

    static void exchange(ScramClient client, ScramServer server) {
        byte[] serverFirst = server.serverFirst(client.clientFirst());
        byte[] serverFinal = server.serverFinal(client.clientFinal(serverFirst));
        client.verifyServerFinal(serverFinal);
    }

    static void assertPgError(ThrowingCallable call, SqlState state, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(state);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    static byte[] bytes(String s) {
        return s.getBytes(US_ASCII);
    }

    static String text(byte[] b) {
        return new String(b, US_ASCII);
    }
}
