package dev.shardgate.wire.auth;

import dev.shardgate.wire.AuthenticationCleartextPassword;
import dev.shardgate.wire.AuthenticationMd5Password;
import dev.shardgate.wire.AuthenticationSasl;
import dev.shardgate.wire.AuthenticationSaslContinue;
import dev.shardgate.wire.AuthenticationSaslFinal;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.PasswordMessage;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of password authentication, as a PostgreSQL server runs it after the startup
 * packet: ask for the password in the rule's form and check it. Ends before AuthenticationOk, which
 * the caller sends.
 */
public final class PasswordExchange {
    /** The pg_hba.conf-like methods a frontend rule can require. */
    public enum Method { TRUST, CLEAR_TEXT, MD5, SCRAM }

    /** SCRAM secrets derived from configured plain passwords, once per password (PBKDF2 is slow on purpose). */
    private static final ConcurrentHashMap<String, ScramSecret> SECRETS = new ConcurrentHashMap<>();
    /** Mixed into mock SCRAM salts so that they cannot be computed outside this process. */
    private static final byte[] MOCK_NONCE = ScramSha256.randomBytes(32);

    private PasswordExchange() {
    }

    /**
     * @param password the configured password: plain text, or for SCRAM also a stored
     *                 {@code SCRAM-SHA-256$…} secret, for MD5 also a stored {@code md5…} hash
     * @throws PgException 28P01 when the password is wrong, 08P01 when the client breaks the exchange
     */
    public static void authenticate(PgReader in, PgWriter out, Method method, String user, String password)
            throws IOException {
        switch (method) {
            case TRUST -> { }
            case CLEAR_TEXT -> {
                out.write(AuthenticationCleartextPassword.INSTANCE);
                out.flush();
                String given = readPassword(in).asPassword();
                // MessageDigest.isEqual takes the same time wherever the first difference is
                String expected = Md5Password.isStoredHash(password) ? Md5Password.storedHash(user, given) : given;
                boolean ok = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                        password.getBytes(StandardCharsets.UTF_8));
                if (!ok) {
                    throw passwordFailed(user);
                }
            }
            case MD5 -> {
                byte[] salt = Md5Password.newSalt();
                out.write(new AuthenticationMd5Password(salt));
                out.flush();
                if (!Md5Password.verify(readPassword(in).asPassword(), user, password, salt)) {
                    throw passwordFailed(user);
                }
            }
            case SCRAM -> scram(in, out, user, password);
        }
    }

    /**
     * For a user or database no rule admits: the exchange {@code method} would run, ending in
     * "password authentication failed" (28P01), so that a client cannot tell an unknown user from a
     * wrong password, as PostgreSQL's mock authentication does (auth.c, scram_mock_salt). The SCRAM
     * salt is the same for every attempt with one user name, as a real user's would be.
     *
     * @throws PgException always: 28P01, or 08P01 when the client breaks the exchange
     */
    public static void refuse(PgReader in, PgWriter out, Method method, String user) throws IOException {
        switch (method) {
            case TRUST -> { }
            case CLEAR_TEXT -> {
                out.write(AuthenticationCleartextPassword.INSTANCE);
                out.flush();
                readPassword(in).asPassword();
            }
            case MD5 -> {
                out.write(new AuthenticationMd5Password(Md5Password.newSalt()));
                out.flush();
                readPassword(in).asPassword();
            }
            case SCRAM -> {
                ScramSecret mock = new ScramSecret(ScramSha256.DEFAULT_ITERATIONS, mockSalt(user),
                        ScramSha256.randomBytes(ScramSha256.KEY_LENGTH), ScramSha256.randomBytes(ScramSha256.KEY_LENGTH));
                scramWith(in, out, user, mock);
            }
        }
        throw passwordFailed(user);
    }

    /** A salt derived from the user name and a secret of this process: stable per user, unguessable. */
    private static byte[] mockSalt(String user) {
        byte[] digest = ScramSha256.sha256(concat(MOCK_NONCE, user.getBytes(StandardCharsets.UTF_8)));
        return Arrays.copyOf(digest, ScramSha256.SALT_LENGTH);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void scram(PgReader in, PgWriter out, String user, String password) throws IOException {
        scramWith(in, out, user, SECRETS.computeIfAbsent(password, ScramSecret::forPassword));
    }

    private static void scramWith(PgReader in, PgWriter out, String user, ScramSecret secret) throws IOException {
        out.write(new AuthenticationSasl(List.of(ScramSha256.MECHANISM)));
        out.flush();
        PasswordMessage.SaslInitialResponse initial = readPassword(in).asSaslInitialResponse();
        if (!ScramSha256.MECHANISM.equals(initial.mechanism())) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "client selected an invalid SASL authentication mechanism \"" + initial.mechanism() + "\"");
        }
        scramWith(in, out, user, initial, secret);
    }

    private static void scramWith(PgReader in, PgWriter out, String user, PasswordMessage.SaslInitialResponse initial,
                                  ScramSecret secret) throws IOException {
        ScramServer server = new ScramServer(user, secret);
        out.write(new AuthenticationSaslContinue(server.serverFirst(initial.data() == null ? new byte[0] : initial.data())));
        out.flush();
        out.write(new AuthenticationSaslFinal(server.serverFinal(readPassword(in).asSaslResponse())));
    }

    private static PasswordMessage readPassword(PgReader in) throws IOException {
        FrontendMessage message = in.readFrontend();
        if (message instanceof PasswordMessage password) {
            return password;
        }
        throw new PgException(SqlState.PROTOCOL_VIOLATION,
                "expected password response, got message type '" + (char) in.type() + "'");
    }

    private static PgException passwordFailed(String user) {
        return new PgException(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
    }
}
