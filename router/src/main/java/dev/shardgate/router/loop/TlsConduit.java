package dev.shardgate.router.loop;

import dev.shardgate.wire.tls.TlsStreams;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLSession;

/**
 * A conduit after a TLS handshake: the plain bytes of {@code tls} over the records of {@code raw},
 * a plain socket or one on the event loops alike. Timeouts and the peer's address are the raw
 * socket's; closing sends close_notify first, as PostgreSQL does.
 */
public record TlsConduit(Conduit raw, TlsStreams tls) implements Conduit {

    /** Runs a handshake over {@code raw} with {@code handshake} and returns the secured conduit. */
    public static TlsConduit over(Conduit raw, Handshake handshake) throws IOException {
        return new TlsConduit(raw, handshake.run(raw.input(), raw.output()));
    }

    /** One side of a TLS handshake over a socket's raw streams. */
    @FunctionalInterface
    public interface Handshake {
        TlsStreams run(InputStream rawIn, OutputStream rawOut) throws IOException;
    }

    public SSLSession session() {
        return tls.session();
    }

    @Override
    public InputStream input() {
        return tls.input();
    }

    @Override
    public OutputStream output() {
        return tls.output();
    }

    @Override
    public void readTimeout(int millis) throws SocketException {
        raw.readTimeout(millis);
    }

    @Override
    public boolean isClosed() {
        return raw.isClosed();
    }

    /** The raw socket's input: the TLS layer's next read of records sees its end. */
    @Override
    public void shutdownInput() throws IOException {
        raw.shutdownInput();
    }

    @Override
    public SocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public void close() throws IOException {
        if (!raw.isClosed()) {
            tls.closeQuietly();
        }
        raw.close();
    }
}
