package dev.shardgate.router.tls;

import dev.shardgate.wire.tls.FrontendTls;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.TlsConduit;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.tls.PeerNames;
import java.io.IOException;
import java.net.SocketException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS at the start of one client connection: the answer to SSLRequest (and the handshake after
 * 'S'), then, once the frontend rule is known, whether the connection may go on — TLS required by
 * frontend_tls or by the rule, the client certificate of {@code auth_method: cert}.
 */
public final class ClientTlsGate {
    private static final Logger log = LoggerFactory.getLogger(ClientTlsGate.class);

    private final FrontendTls tls;
    private Conduit conduit;
    private SSLSession session;

    public ClientTlsGate(FrontendTls tls, Conduit conduit) {
        this.tls = tls;
        this.conduit = conduit;
    }

    /**
     * 'S' and the handshake when TLS is on (the reader and writer then carry TLS), 'N' otherwise or
     * for a second SSLRequest on a secured connection.
     */
    public void answerSslRequest(PgReader in, PgWriter out) throws IOException {
        boolean secure = tls.mode().offersTls() && session == null;
        out.writeRawBytes(new byte[] {secure ? (byte) 'S' : (byte) 'N'}, 0, 1);
        out.flush();
        if (!secure) {
            return;
        }
        TlsConduit secured;
        try {
            secured = TlsConduit.over(conduit, tls.server()::accept);
        } catch (SSLException e) {
            // the client learnt why from the TLS alert; one line here, and the session ends quietly
            String reason = e.getCause() != null && e.getCause().getMessage() != null
                    ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
            log.info("event=client_tls_failed client={} error=\"{}\"", conduit.remoteAddress(), reason);
            throw new SocketException("TLS handshake failed: " + e.getMessage());
        }
        in.switchTo(secured.input());
        out.switchTo(secured.output());
        conduit = secured;
        session = secured.session();
    }

    /**
     * @throws PgException 28000 when the connection is plain and frontend_tls or the rule requires
     *                     TLS, or the rule's cert authentication finds no client certificate whose
     *                     CN is the user name
     */
    public void admit(FrontendRule rule, String user) {
        if (session == null && tls.mode().requiresTls()) {
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "TLS is required (frontend_tls sslmode " + tls.mode().configName() + "): connect with sslmode=require or stronger");
        }
        if (session == null && rule.requireTls()) {
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    rule.describe() + " requires TLS: connect with sslmode=require or stronger");
        }
        if (rule.authRule().method() == AuthMethod.CERT) {
            String failed = "certificate authentication failed for user \"" + user + "\": ";
            if (session == null) {
                throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, failed + "the connection is not TLS");
            }
            String commonName = PeerNames.commonName(session).orElseThrow(() -> new PgException(
                    SqlState.INVALID_AUTHORIZATION_SPECIFICATION, failed + "no client certificate was sent"));
            if (!commonName.equals(user)) {
                throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                        failed + "the client certificate's CN \"" + commonName + "\" is not the user name");
            }
        }
    }

    /** Whether the TLS handshake took place. */
    public boolean isSecured() {
        return session != null;
    }

    /** The connection as it stands: the TLS conduit after a handshake, else the plain one. */
    public Conduit conduit() {
        return conduit;
    }
}
