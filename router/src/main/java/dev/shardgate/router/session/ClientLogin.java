package dev.shardgate.router.session;

import dev.shardgate.router.cancel.CancelRegistry;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.AuthenticationCleartextPassword;
import dev.shardgate.wire.AuthenticationMd5Password;
import dev.shardgate.wire.AuthenticationSasl;
import dev.shardgate.wire.AuthenticationSaslContinue;
import dev.shardgate.wire.AuthenticationSaslFinal;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.GssEncRequest;
import dev.shardgate.wire.NegotiateProtocolVersion;
import dev.shardgate.wire.PasswordMessage;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.SslRequest;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.auth.Md5Password;
import dev.shardgate.wire.auth.ScramSecret;
import dev.shardgate.wire.auth.ScramServer;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The start of a client connection: SSL/GSS negotiation (refused with 'N' until TLS lands), cancel
 * requests, the startup packet, the frontend rule and password authentication.
 */
public final class ClientLogin {
    /** A client that passed authentication. */
    public record Login(StartupMessage startup, FrontendRule rule) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    /** SCRAM secrets derived from configured plain passwords, once per password (PBKDF2 is slow on purpose). */
    private static final ConcurrentHashMap<String, ScramSecret> SECRETS = new ConcurrentHashMap<>();

    private final RouterConfig config;
    private final CancelRegistry cancels;
    private final PgReader in;
    private final PgWriter out;

    public ClientLogin(RouterConfig config, CancelRegistry cancels, PgReader in, PgWriter out) {
        this.config = config;
        this.cancels = cancels;
        this.in = in;
        this.out = out;
    }

    /** @return the login, or null when the connection only carried a cancel request */
    public Login perform() throws IOException {
        StartupMessage startup = readStartup();
        if (startup == null) {
            return null;
        }
        String user = startup.user();
        String database = startup.database();
        if (user == null || user.isEmpty()) {
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet");
        }
        FrontendRule rule = config.frontendRuleFor(database, user)
                .orElseThrow(() -> new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "no frontend rule for user \"" + user + "\" and database \"" + database + "\""));
        authenticate(user, rule.authRule());
        return new Login(startup, rule);
    }

    private StartupMessage readStartup() throws IOException {
        while (true) {
            FrontendMessage message = in.readStartupPacket();
            switch (message) {
                case SslRequest ignored -> refuseEncryption();
                case GssEncRequest ignored -> refuseEncryption();
                case CancelRequest cancel -> {
                    cancels.cancel(cancel.processId(), cancel.secretKey());
                    return null;
                }
                case StartupMessage startup -> {
                    negotiateMinorVersion(startup);
                    return startup;
                }
                default -> throw new PgException(SqlState.PROTOCOL_VIOLATION, "expected a startup packet");
            }
        }
    }

    private void refuseEncryption() throws IOException {
        out.writeRawBytes(new byte[] {'N'}, 0, 1);
        out.flush();
    }

    /** A 3.x client newer than 3.0 is told we speak 3.0, as PostgreSQL 15 does. */
    private void negotiateMinorVersion(StartupMessage startup) throws IOException {
        int major = startup.protocolVersion() >>> 16;
        int minor = startup.protocolVersion() & 0xFFFF;
        List<String> unknownOptions = new ArrayList<>();
        for (String key : startup.parameters().keySet()) {
            if (key.startsWith("_pq_.")) {
                unknownOptions.add(key);
            }
        }
        if (major == 3 && (minor > 0 || !unknownOptions.isEmpty())) {
            out.write(new NegotiateProtocolVersion(0, unknownOptions));
        }
    }

    private void authenticate(String user, AuthRule auth) throws IOException {
        switch (auth.method()) {
            case OK -> { }
            case CLEAR_TEXT -> {
                out.write(new AuthenticationCleartextPassword());
                out.flush();
                String given = readPassword().asPassword();
                if (!MessageDigest.isEqual(given.getBytes(), auth.password().getBytes())) {
                    throw passwordFailed(user);
                }
            }
            case MD5 -> {
                byte[] salt = new byte[4];
                RANDOM.nextBytes(salt);
                out.write(new AuthenticationMd5Password(salt));
                out.flush();
                String given = readPassword().asPassword();
                if (!Md5Password.verify(given, user, auth.password(), salt)) {
                    throw passwordFailed(user);
                }
            }
            case SCRAM -> authenticateScram(user, auth.password());
        }
    }

    private void authenticateScram(String user, String password) throws IOException {
        out.write(new AuthenticationSasl(List.of("SCRAM-SHA-256")));
        out.flush();
        PasswordMessage.SaslInitialResponse initial = readPassword().asSaslInitialResponse();
        if (!"SCRAM-SHA-256".equals(initial.mechanism())) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "client selected an invalid SASL authentication mechanism \"" + initial.mechanism() + "\"");
        }
        ScramSecret secret = SECRETS.computeIfAbsent(password, ScramSecret::forPassword);
        ScramServer server = new ScramServer(user, secret);
        out.write(new AuthenticationSaslContinue(server.serverFirst(initial.data())));
        out.flush();
        byte[] serverFinal = server.serverFinal(readPassword().asSaslResponse());
        out.write(new AuthenticationSaslFinal(serverFinal));
    }

    private PasswordMessage readPassword() throws IOException {
        FrontendMessage message = in.readFrontend();
        if (message instanceof PasswordMessage password) {
            return password;
        }
        throw new PgException(SqlState.PROTOCOL_VIOLATION,
                "expected password response, got " + message.getClass().getSimpleName());
    }

    private static PgException passwordFailed(String user) {
        return new PgException(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + user + "\"");
    }
}
