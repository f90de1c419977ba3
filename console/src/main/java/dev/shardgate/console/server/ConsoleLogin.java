package dev.shardgate.console.server;

import dev.shardgate.wire.AuthenticationOk;
import dev.shardgate.wire.BackendKeyData;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.GssEncRequest;
import dev.shardgate.wire.NegotiateProtocolVersion;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Protocol;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.SslRequest;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.auth.PasswordExchange;
import dev.shardgate.wire.auth.FailedLogins;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The start of a console connection, as PostgreSQL runs it ("Start-up" in the protocol chapter):
 * SSLRequest answered as {@link ConsoleTls} says (GSSENCRequest with 'N'), the startup packet, the
 * access rule, the password exchange, then AuthenticationOk, the reported parameters,
 * BackendKeyData and ReadyForQuery.
 */
final class ConsoleLogin {
    private static final Logger log = LoggerFactory.getLogger(ConsoleLogin.class);
    /**
     * What psql and drivers read at startup. psql derives its server version number from
     * server_version; pgjdbc insists on UTF8, ISO dates and standard conforming strings. The console
     * only speaks UTF-8, so client_encoding is reported as UTF8 whatever the client asked for.
     */
    static final String SERVER_VERSION = "15.0 (Shardgate console)";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A client that passed authentication. */
    record Login(String user, String database, String applicationName) {
    }

    private ConsoleLogin() {
    }

    /**
     * @return the login, or empty when the connection only carried a cancel request, which the
     *         console has nothing to cancel for
     * @param address the client's, whose failed logins space out its next ones
     * @throws PgException a FATAL error for the client: 28000, 28P01, 08P01
     */
    static Optional<Login> perform(PgReader in, PgWriter out, ConsoleAccess access, ConsoleTls.Gate tls, InetAddress address,
                                   FailedLogins failedLogins, Duration authTimeout) throws IOException {
        StartupMessage startup = null;
        while (startup == null) {
            FrontendMessage message = in.readStartupPacket();
            switch (message) {
                case SslRequest _ -> tls.answerSslRequest(in, out);
                case GssEncRequest _ -> {
                    out.writeRawBytes(new byte[] {'N'}, 0, 1);
                    out.flush();
                }
                case CancelRequest _ -> {
                    return Optional.empty();
                }
                case StartupMessage s -> startup = s;
                default -> throw new PgException(SqlState.PROTOCOL_VIOLATION, "expected a startup packet");
            }
        }
        checkProtocol(startup, out);
        return Optional.of(afterStartup(startup, in, out, access, tls.config(), tls.isSecured(), address, failedLogins,
                authTimeout));
    }

    /**
     * The login after the startup packet: the access rule, the password exchange and the greeting.
     * The router's port runs this for a client of a console database, after its own SSL
     * negotiation and startup packet.
     *
     * @param tls     whether TLS is required of every console client
     * @param secured whether the connection is TLS: a plain one is refused (28000) when {@code tls}
     *                or the user's rule ({@code require_tls}) requires TLS
     */
    static Login afterStartup(StartupMessage startup, PgReader in, PgWriter out, ConsoleAccess access, ConsoleTls tls,
                              boolean secured, InetAddress address, FailedLogins failedLogins, Duration authTimeout)
            throws IOException {
        String user = startup.user();
        if (user == null || user.isEmpty()) {
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet");
        }
        tls.admit(secured);
        String database = startup.database();
        try {
            if (!failedLogins.awaitTurn(address, authTimeout)) {
                throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "too many failed logins from host \""
                        + address.getHostAddress() + "\", try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting after failed logins");
        }
        Optional<ConsoleAccess.Rule> rule = access.ruleFor(user, database);
        if (!secured && rule.isPresent() && rule.get().requireTls()) {
            // as the router's port does for its rules: before the password, which must not cross in clear text
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "the console rule for user \"" + user
                    + "\" and database \"" + database + "\" requires TLS (require_tls): connect with sslmode=require or stronger");
        }
        try {
            if (rule.isPresent()) {
                PasswordExchange.authenticate(in, out, rule.get().method(), user, rule.get().password());
            } else if (access.ruleForUser(user).isPresent()) {
                // a known user learns that the database is not the console's only with the right password
                ConsoleAccess.Rule userRule = access.ruleForUser(user).get();
                PasswordExchange.authenticate(in, out, userRule.method(), user, userRule.password());
                throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        "no console rule for user \"" + user + "\" and database \"" + database + "\"");
            } else {
                // the client cannot tell this from a wrong password; the log can
                log.info("event=console_unknown_user address={} user={} database={} reason=\"no console rule for this "
                        + "user\"", address == null ? "" : address.getHostAddress(), user, database);
                PasswordExchange.refuse(in, out, access.methodToMimic(), user);
            }
        } catch (PgException e) {
            if (e.sqlState() == SqlState.INVALID_PASSWORD) {
                failedLogins.failed(address);
            }
            throw e;
        }
        if (rule.get().method() != PasswordExchange.Method.TRUST) {
            // only a right password lifts the brake: a trusted login from the same address must not
            failedLogins.succeeded(address);
        }
        String applicationName = startup.parameters().getOrDefault("application_name", "");
        out.write(AuthenticationOk.INSTANCE);
        for (ParameterStatus parameter : List.of(
                new ParameterStatus("server_version", SERVER_VERSION),
                new ParameterStatus("server_encoding", "UTF8"),
                new ParameterStatus("client_encoding", "UTF8"),
                new ParameterStatus("DateStyle", "ISO, MDY"),
                new ParameterStatus("IntervalStyle", "postgres"),
                new ParameterStatus("TimeZone", "UTC"),
                new ParameterStatus("integer_datetimes", "on"),
                new ParameterStatus("standard_conforming_strings", "on"),
                new ParameterStatus("is_superuser", "off"),
                new ParameterStatus("session_authorization", user),
                new ParameterStatus("application_name", applicationName))) {
            out.write(parameter);
        }
        // Cancel requests are ignored, so the key only has to look like one.
        out.write(new BackendKeyData(RANDOM.nextInt(1, Integer.MAX_VALUE), RANDOM.nextInt()));
        out.write(ReadyForQuery.IDLE);
        out.flush();
        return new Login(user, database, applicationName);
    }

    /** Protocol 3.0 only; a newer 3.x client or one with {@code _pq_.} options is told so, as PostgreSQL does. */
    private static void checkProtocol(StartupMessage startup, PgWriter out) throws IOException {
        if (startup.majorVersion() != 3) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol "
                    + startup.majorVersion() + "." + startup.minorVersion() + ": server supports 3.0 to 3.0");
        }
        List<String> options = startup.parameters().keySet().stream().filter(name -> name.startsWith("_pq_.")).toList();
        if (startup.minorVersion() > 0 || !options.isEmpty()) {
            out.write(new NegotiateProtocolVersion(Protocol.minorVersion(Protocol.VERSION_3_0), options));
        }
    }
}
