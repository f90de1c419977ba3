package dev.shardgate.wire.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of TLS towards a PostgreSQL server, with libpq's {@code sslmode} meanings. The
 * host name check of {@code verify-full} is the JDK's HTTPS one: a DNS or IP subjectAltName, or
 * the CN when the certificate has no DNS name, as libpq does.
 */
public final class ClientTls {
    private static final char[] KEY_STORE_PASSWORD = new char[0];

    private final SslMode mode;
    private final SSLContext context;

    private ClientTls(SslMode mode, SSLContext context) {
        this.mode = mode;
        this.context = context;
    }

    /**
     * @param rootCertFile the CAs a server's certificate must chain to; null: the JDK's default CAs
     *                     for verify-ca and verify-full, none checked for prefer and require
     * @param certFile     a client certificate to present (with keyFile), or null
     */
    public static ClientTls of(SslMode mode, Path rootCertFile, Path certFile, Path keyFile)
            throws GeneralSecurityException, IOException {
        Objects.requireNonNull(mode);
        if (!mode.offersTls()) {
            return new ClientTls(mode, null);
        }
        SslMode effective = mode == SslMode.REQUIRE && rootCertFile != null ? SslMode.VERIFY_CA : mode;
        TrustManager[] trust;
        if (effective.verifiesPeer()) {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(rootCertFile == null ? null : PemFiles.trustStore(rootCertFile));
            trust = factory.getTrustManagers();
        } else {
            trust = new TrustManager[] {new AnyCertificate()};
        }
        KeyManagerFactory keys = null;
        if (certFile != null && keyFile != null) {
            KeyStore store = PemFiles.keyStore(certFile, keyFile, KEY_STORE_PASSWORD);
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, KEY_STORE_PASSWORD);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
        return new ClientTls(effective, context);
    }

    public SslMode mode() {
        return mode;
    }

    /** Runs the client side of a handshake with {@code host} over raw streams (after the server said 'S'). */
    public TlsStreams connect(String host, int port, InputStream rawIn, OutputStream rawOut) throws IOException {
        if (context == null) {
            throw new IllegalStateException("sslmode=disable has no TLS");
        }
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(ServerTlsSettings.PROTOCOLS.toArray(new String[0]));
        if (mode == SslMode.VERIFY_FULL) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        return TlsStreams.handshake(engine, rawIn, rawOut);
    }

    /** libpq's prefer and require without a root certificate: encryption without knowing the peer. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
