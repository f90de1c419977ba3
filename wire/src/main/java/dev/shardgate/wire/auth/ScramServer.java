package dev.shardgate.wire.auth;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Base64;

/**
 * The server side of one SCRAM-SHA-256 exchange, as PostgreSQL's backend runs it
 * (src/backend/libpq/auth-scram.c): the proxy verifying a client against a {@link ScramSecret}.
 * Channel binding is not offered, so a client may send GS2 header "n,," or "y,," but not "p=".
 *
 * <p>Use once per login: {@link #serverFirst} answers the client's SASLInitialResponse data,
 * {@link #serverFinal} answers its SASLResponse and returns only if the proof is right. Every
 * problem with the client's messages is a {@link PgException}.
 */
public final class ScramServer {
    private enum Step { AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, FINISHED }

    private static final String CLIENT_FIRST = "client-first-message";
    private static final String CLIENT_FINAL = "client-final-message";

    private final String user;
    private final ScramSecret secret;
    private final String serverNonce;
    private Step step = Step.AWAITING_CLIENT_FIRST;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    /** {@code user} is the startup packet's user, named in the failure message; SCRAM's own is ignored. */
    public ScramServer(String user, ScramSecret secret) {
        this(user, secret, ScramSha256.newNonce());
    }

    /** With a fixed server nonce, for reproducing published example exchanges. */
    ScramServer(String user, ScramSecret secret, String serverNonce) {
        this.user = user;
        this.secret = secret;
        this.serverNonce = serverNonce;
    }

    /** Reads client-first-message and returns server-first-message {@code r=…,s=…,i=…}. */
    public byte[] serverFirst(byte[] clientFirstMessage) {
        expectStep(Step.AWAITING_CLIENT_FIRST, CLIENT_FIRST);
        step = Step.FINISHED;
        ScramAttributes message = new ScramAttributes(clientFirstMessage, CLIENT_FIRST);
        gs2Header = readGs2Header(message);
        int bareStart = message.position();
        if (message.hasMore() && message.nextName() == 'm') {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "client requires an unsupported SCRAM extension");
        }
        // PostgreSQL ignores this user name: the one in the startup packet is authenticated.
        message.read('n');
        String clientNonce = message.nonce(message.read('r'));
        while (message.hasMore()) {
            message.skip();
        }
        clientFirstBare = message.textFrom(bareStart);
        nonce = clientNonce + serverNonce;
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(secret.salt())
                + ",i=" + secret.iterations();
        step = Step.AWAITING_CLIENT_FINAL;
        return ScramAttributes.bytes(serverFirst);
    }

    /**
     * Reads client-final-message, checks channel binding, nonce and proof, and returns
     * server-final-message {@code v=…}; a wrong proof is PostgreSQL's "password authentication
     * failed" error.
     */
    public byte[] serverFinal(byte[] clientFinalMessage) {
        expectStep(Step.AWAITING_CLIENT_FINAL, CLIENT_FINAL);
        step = Step.FINISHED;
        ScramAttributes message = new ScramAttributes(clientFinalMessage, CLIENT_FINAL);
        String channelBinding = message.read('c');
        if (!channelBinding.equals(Base64.getEncoder().encodeToString(ScramAttributes.bytes(gs2Header)))) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "SCRAM channel binding check failed");
        }
        if (!message.read('r').equals(nonce)) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "invalid SCRAM response")
                    .withDetail("Nonce does not match.");
        }
        while (message.nextName() != 'p') {
            message.skip();
        }
        String withoutProof = message.textBefore(message.position() - 1);
        byte[] proof = message.base64(message.read('p'), "proof");
        message.expectEnd();
        if (proof.length != ScramSha256.KEY_LENGTH) {
            throw message.malformed("Malformed proof in " + CLIENT_FINAL + ".");
        }

        byte[] authMessage = ScramAttributes.bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);
        byte[] storedKey = secret.storedKey();
        byte[] clientKey = ScramSha256.xor(proof, ScramSha256.hmac(storedKey, authMessage));
        if (!ScramSha256.isEqual(ScramSha256.sha256(clientKey), storedKey)) {
            throw new PgException(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
        }
        byte[] serverSignature = ScramSha256.hmac(secret.serverKey(), authMessage);
        return ScramAttributes.bytes("v=" + Base64.getEncoder().encodeToString(serverSignature));
    }

    /** "n,," or "y,,"; channel binding ("p=") and authorization identities are not supported. */
    private static String readGs2Header(ScramAttributes message) {
        char flag = message.nextName();
        switch (flag) {
            case 'n', 'y' -> message.expect(flag);
            case 'p' -> throw new PgException(SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message")
                    .withDetail("The client selected SCRAM channel binding, but this server does not offer it.");
            default -> throw message.malformed("Unexpected channel-binding flag \"" + flag + "\".");
        }
        message.expect(',');
        if (message.hasMore() && message.nextName() == 'a') {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "client uses authorization identity, but it is not supported");
        }
        message.expect(',');
        return flag + ",,";
    }

    private void expectStep(Step expected, String messageName) {
        if (step != expected) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "unexpected SCRAM message")
                    .withDetail(step == Step.FINISHED ? "The SCRAM exchange is already over."
                            : "The client sent " + messageName + " out of order.");
        }
    }
}
