package dev.shardgate.console.server;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.tls.FrontendTls;
import dev.shardgate.wire.tls.ServerTls;
import dev.shardgate.wire.tls.TlsStreams;
import java.io.IOException;
import java.net.Socket;

/**
 * TLS for console clients, the router's or the coordinator's: the certificate of their
 * {@code frontend_tls} (wire's {@link ServerTls}, re-read when its files change) and whether plain
 * clients are refused.
 *
 * @param server   null: SSLRequest is answered 'N'
 * @param required plain clients get 28000
 */
public record ConsoleTls(ServerTls server, boolean required) {
    public static final ConsoleTls NONE = new ConsoleTls(null, false);

    public ConsoleTls {
        if (required && server == null) {
            throw new IllegalArgumentException("TLS cannot be required without a certificate");
        }
    }

    /** As {@code frontend_tls} says: TLS offered unless disable, plain clients refused from require on. */
    public static ConsoleTls of(FrontendTls tls) {
        return new ConsoleTls(tls.server(), tls.mode().requiresTls());
    }

    /**
     * @param secured whether the connection, accepted elsewhere (the router's port), is TLS
     * @throws PgException 28000 for a plain client when TLS is required
     */
    void admit(boolean secured) {
        if (required && !secured) {
            throw new PgException(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "TLS is required for the admin console: connect with sslmode=require or stronger");
        }
    }

    /** The TLS state of one console connection. */
    static final class Gate {
        private final ConsoleTls tls;
        private final Socket socket;
        private TlsStreams secured;

        Gate(ConsoleTls tls, Socket socket) {
            this.tls = tls;
            this.socket = socket;
        }

        /** 'S' and the handshake (reader and writer then carry TLS), or 'N' without TLS or on a second request. */
        void answerSslRequest(PgReader in, PgWriter out) throws IOException {
            boolean secure = tls.server() != null && secured == null;
            out.writeRawBytes(new byte[] {secure ? (byte) 'S' : (byte) 'N'}, 0, 1);
            out.flush();
            if (secure) {
                secured = tls.server().accept(socket.getInputStream(), socket.getOutputStream());
                in.switchTo(secured.input());
                out.switchTo(secured.output());
            }
        }

        ConsoleTls config() {
            return tls;
        }

        boolean isSecured() {
            return secured != null;
        }

        /** Sends close_notify after a TLS session, before the socket is closed. */
        void close() {
            if (secured != null) {
                secured.closeQuietly();
            }
        }
    }
}
