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
                boolean ok = Md5Password.isStoredHash(password)
                        ? Md5Password.storedHash(user, given).equals(password)
                        : MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
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

    private static void scram(PgReader in, PgWriter out, String user, String password) throws IOException {
        out.write(new AuthenticationSasl(List.of(ScramSha256.MECHANISM)));
        out.flush();
        PasswordMessage.SaslInitialResponse initial = readPassword(in).asSaslInitialResponse();
        if (!ScramSha256.MECHANISM.equals(initial.mechanism())) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "client selected an invalid SASL authentication mechanism \"" + initial.mechanism() + "\"");
        }
        ScramSecret secret = SECRETS.computeIfAbsent(password, ScramSecret::forPassword);
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
