package dev.shardgate.router.session;

import dev.shardgate.router.cancel.CancelRegistry;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.tls.ClientTlsGate;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of a client connection: SSL negotiation (TLS when frontend_tls is on; GSS refused), cancel
 * requests, the startup packet, the frontend rule and password authentication.
 */
public final class ClientLogin {
    /** A client that passed authentication. */
    public record Login(StartupMessage startup, FrontendRule rule) {
    }

    private final RouterConfig config;
    private final CancelRegistry cancels;
    private final PgReader in;
    private final PgWriter out;
    private final ClientTlsGate tls;

    public ClientLogin(RouterConfig config, CancelRegistry cancels, PgReader in, PgWriter out, ClientTlsGate tls) {
        this.tls = tls;
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
        tls.admit(rule, user);
        authenticate(user, rule.authRule());
        return new Login(startup, rule);
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

    private void authenticate(String user, AuthRule auth) throws IOException {
        if (auth.method() == AuthMethod.CERT) {
            return; // the client certificate was checked by the TLS gate
        }
        PasswordExchange.authenticate(in, out, auth.method().exchange(), user, auth.password());
    }
}
