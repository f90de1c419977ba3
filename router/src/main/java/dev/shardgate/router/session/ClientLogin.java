package dev.shardgate.router.session;

import dev.shardgate.router.cancel.CancelRegistry;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.RouterContext;
import dev.shardgate.router.tls.ClientTlsGate;
import dev.shardgate.console.server.ConsoleServer;
import dev.shardgate.console.server.HandedOffClient;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.GssEncRequest;
import dev.shardgate.wire.NegotiateProtocolVersion;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.SslRequest;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.auth.PasswordExchange;

import dev.shardgate.router.loop.Conduit;
import dev.shardgate.wire.Protocol;
import dev.shardgate.wire.auth.FailedLogins;
import dev.shardgate.wire.auth.LoginDeadline;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of a client connection: SSL negotiation (TLS when frontend_tls is on; GSS refused), cancel
 * requests, the startup packet, the frontend rule and password authentication — all within
 * auth_timeout, with messages no longer than a login needs, and spaced out for an address whose
 * logins failed (auth_failure_delay). A user no rule admits gets the same exchange and the same
 * 28P01 as a wrong password, so that user names cannot be probed; the log says which it was.
 */
public final class ClientLogin {
    private static final Logger log = LoggerFactory.getLogger(ClientLogin.class);

    /** How the login part ends: a client of the router, or of the console. */
    private sealed interface Outcome permits Login, ToConsole {
    }

    /** A client that passed authentication. */
    public record Login(StartupMessage startup, FrontendRule rule) implements Outcome {
    }

    /** A client asking for a console database: the console logs it in, under its own rules. */
    private record ToConsole(StartupMessage startup) implements Outcome {
    }

    private final RouterConfig config;
    private final CancelRegistry cancels;
    private final FailedLogins failedLogins;
    private final Conduit socket;
    private final PgReader in;
    private final PgWriter out;
    private final ClientTlsGate tls;
    private final ConsoleServer console;

    /** Clients asking for a console database go to the context's console, or are refused (28000) before it listens. */
    public ClientLogin(RouterContext context, Conduit socket, PgReader in, PgWriter out, ClientTlsGate tls) {
        this.tls = tls;
        this.console = context.console();
        this.config = context.config();
        this.cancels = context.cancels();
        this.failedLogins = context.failedLogins();
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    /**
     * @return the login, or null when the connection only carried a cancel request or was a console
     *     client, served to its end here
     * @throws PgException FATAL for the client: 28000, 28P01, 08P01, 54000, 57014 when auth_timeout passed
     */
    public Login perform() throws IOException {
        Duration timeout = config.clientLimits().authTimeout();
        in.limitMessageLength(Protocol.MAX_LOGIN_MESSAGE_LENGTH);
        Outcome outcome = LoginDeadline.within(timeout, socket::shutdownInput, () -> performInTime(timeout));
        return switch (outcome) {
            case null -> null;
            case Login login -> {
                in.liftMessageLengthLimit();
                yield login;
            }
            case ToConsole toConsole -> {
                serveConsole(toConsole.startup());
                yield null;
            }
        };
    }

    /**
     * SPQR lets its console be reached on the router port as {@code dbname=spqr-console}: the console
     * takes the connection after the startup packet, with the TLS this port negotiated, and runs the
     * login (its own deadline of auth_timeout) and the session.
     */
    private void serveConsole(StartupMessage startup) {
        InetAddress address = socket.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        console.serve(new HandedOffClient(startup, in, out, tls.isSecured(), address, String.valueOf(socket.remoteAddress()),
                socket::shutdownInput, tls.conduit()));
    }

    private Outcome performInTime(Duration timeout) throws IOException {
        StartupMessage startup = readStartup();
        if (startup == null) {
            return null;
        }
        String user = startup.user();
        String database = startup.database();
        if (user == null || user.isEmpty()) {
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "no PostgreSQL user name specified in startup packet");
        }
        if (console != null && FrontendRule.isConsoleDatabase(database)) {
            return new ToConsole(startup);
        }
        InetAddress address = socket.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        awaitTurn(address, timeout);
        Optional<FrontendRule> rule = config.frontendRuleFor(database, user);
        try {
            if (rule.isPresent()) {
                tls.admit(rule.get(), user);
                authenticate(user, rule.get());
            } else {
                refuse(user, database, address);
            }
        } catch (PgException e) {
            if (e.sqlState() == SqlState.INVALID_PASSWORD) {
                failedLogins.failed(address);
            }
            throw e;
        }
        if (rule.get().authRule().method().needsPassword()) {
            // only a right password lifts the brake: a trusted or certificate login from the same address must not
            failedLogins.succeeded(address);
        }
        return new Login(startup, rule.get());
    }

    private void authenticate(String user, FrontendRule rule) throws IOException {
        AuthRule auth = rule.authRule();
        if (auth.method() == AuthMethod.CERT) {
            return; // the client certificate was checked by the TLS gate
        }
        PasswordExchange.authenticate(in, out, auth.method().exchange(), user, auth.password());
    }

    /**
     * No rule for this user and database. As PostgreSQL: a user known for another database must
     * still give its password before learning the database is not served (28000, naming both); an
     * unknown user goes through a mock exchange and gets 28P01, like a wrong password.
     */
    private void refuse(String user, String database, InetAddress address) throws IOException {
        // console users are known users too: the console database on this port is "not served" to them
        Optional<FrontendRule> userRule = java.util.stream.Stream.concat(config.frontendRules().stream(),
                config.consoleRules().stream()).filter(r -> user.equals(r.usr())).findFirst();
        if (userRule.isPresent()) {
            tls.admit(userRule.get(), user);
            authenticate(user, userRule.get());
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no frontend rule for user \"" + user + "\" and database \"" + database + "\"");
        }
        log.info("event=client_unknown_user address={} user={} db={} reason=\"no frontend rule for this user\"",
                address == null ? "" : address.getHostAddress(), user, database);
        PasswordExchange.refuse(in, out, methodToMimic(), user);
    }

    private void awaitTurn(InetAddress address, Duration timeout) throws IOException {
        try {
            if (!failedLogins.awaitTurn(address, timeout)) {
                throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "too many failed logins from host \""
                        + address.getHostAddress() + "\", try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting after failed logins");
        }
    }

    /**
     * The exchange an unknown user goes through: that of the first rule (SCRAM without rules), so
     * that what an unknown name sees is what a known one sees with a wrong password.
     */
    private PasswordExchange.Method methodToMimic() {
        return config.frontendRules().stream().map(r -> r.authRule().method())
                .filter(method -> method != AuthMethod.CERT).findFirst()
                .map(AuthMethod::exchange)
                .orElse(PasswordExchange.Method.SCRAM);
    }

    private StartupMessage readStartup() throws IOException {
        while (true) {
            FrontendMessage message = in.readStartupPacket();
            switch (message) {
                case SslRequest ignored -> tls.answerSslRequest(in, out);
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

}
