package dev.shardgate.wire.auth;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The client side of one SCRAM-SHA-256 exchange, as libpq runs it (fe-auth-scram.c): the proxy
 * logging in to PostgreSQL with a password. Channel binding is not used (GS2 header "n,,"), and
 * like libpq the SCRAM user name is left empty because the server authenticates the startup
 * packet's user.
 *
 * <p>Use once per login: {@link #clientFirst} is the SASLInitialResponse data,
 * {@link #clientFinal} answers AuthenticationSASLContinue, {@link #verifyServerFinal} checks
 * AuthenticationSASLFinal so that a server that does not know the password is not trusted.
 */
public final class ScramClient {
    /** Refuses a server demanding so many iterations that computing the proof becomes a denial of service. */
    static final int MAX_ITERATIONS = 10_000_000;

    private static final String GS2_HEADER = "n,,";
    private static final String SERVER_FIRST = "server-first-message";
    private static final String SERVER_FINAL = "server-final-message";

    private final String password;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] expectedServerSignature;
    private boolean isFinished;

    public ScramClient(String password) {
        this("", password, ScramSha256.newNonce());
    }

    /** With a SCRAM user name and a fixed nonce, for reproducing published example exchanges. */
    ScramClient(String user, String password, String clientNonce) {
        this.password = password;
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + saslName(user) + ",r=" + clientNonce;
    }

    /** client-first-message: {@code n,,n=,r=<nonce>}. */
    public byte[] clientFirst() {
        return ScramAttributes.bytes(GS2_HEADER + clientFirstBare);
    }

    /** Reads server-first-message and returns client-final-message {@code c=biws,r=…,p=…}. */
    public byte[] clientFinal(byte[] serverFirstMessage) {
        if (expectedServerSignature != null || isFinished) {
            throw outOfOrder(SERVER_FIRST);
        }
        ScramAttributes message = new ScramAttributes(serverFirstMessage, SERVER_FIRST);
        if (message.hasMore() && message.nextName() == 'm') {
            throw message.malformed("The server requires an unsupported SCRAM extension.");
        }
        String nonce = message.nonce(message.read('r'));
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "invalid SCRAM response")
                    .withDetail("The server's nonce does not extend the client's.");
        }
        byte[] salt = message.base64(message.read('s'), "salt");
        int iterations = iterations(message, message.read('i'));
        message.expectEnd();
        if (salt.length == 0) {
            throw message.malformed("Empty salt in " + SERVER_FIRST + ".");
        }

        byte[] saltedPassword = ScramSha256.saltedPassword(password, salt, iterations);
        byte[] clientKey = ScramSha256.clientKey(saltedPassword);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(ScramAttributes.bytes(GS2_HEADER)) + ",r=" + nonce;
        byte[] authMessage = ScramAttributes.bytes(
                clientFirstBare + "," + message.textFrom(0) + "," + withoutProof);
        byte[] clientSignature = ScramSha256.hmac(ScramSha256.storedKey(clientKey), authMessage);
        byte[] proof = ScramSha256.xor(clientKey, clientSignature);
        expectedServerSignature = ScramSha256.hmac(ScramSha256.serverKey(saltedPassword), authMessage);
        return ScramAttributes.bytes(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof));
    }

    /**
     * Checks server-final-message: {@code v=<signature>} must prove the server knows the
     * secret; {@code e=<error>} or a wrong signature fails the login.
     */
    public void verifyServerFinal(byte[] serverFinalMessage) {
        if (expectedServerSignature == null || isFinished) {
            throw outOfOrder(SERVER_FINAL);
        }
        isFinished = true;
        ScramAttributes message = new ScramAttributes(serverFinalMessage, SERVER_FINAL);
        if (message.hasMore() && message.nextName() == 'e') {
            throw new PgException(SqlState.INVALID_PASSWORD,
                    "SCRAM authentication failed: the server reported \"" + message.read('e') + "\"");
        }
        byte[] signature = message.base64(message.read('v'), "server signature");
        while (message.hasMore()) {
            message.skip();
        }
        if (!ScramSha256.isEqual(signature, expectedServerSignature)) {
            throw new PgException(SqlState.INVALID_PASSWORD, "SCRAM authentication failed: incorrect server signature");
        }
    }

    private static int iterations(ScramAttributes message, String value) {
        int iterations;
        try {
            iterations = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw message.malformed("Invalid iteration count \"" + value + "\" in " + SERVER_FIRST + ".");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw message.malformed("Iteration count " + iterations + " in " + SERVER_FIRST + " is not between 1 and "
                    + MAX_ITERATIONS + ".");
        }
        return iterations;
    }

    /** RFC 5802 saslname: ',' and '=' escaped, as ISO-8859-1 text of the UTF-8 bytes. */
    private static String saslName(String user) {
        String escaped = user.replace("=", "=3D").replace(",", "=2C");
        return new String(escaped.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static PgException outOfOrder(String messageName) {
        return new PgException(SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message")
                .withDetail("The server sent " + messageName + " out of order.");
    }
}
