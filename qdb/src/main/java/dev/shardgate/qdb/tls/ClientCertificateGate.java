package dev.shardgate.qdb.tls;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS on a gRPC server: every caller must present a certificate signed by a CA in
 * client_ca_file, or each of its calls is refused with UNAUTHENTICATED saying why, and the server
 * logs the caller's address and the reason once.
 *
 * <p>Why not refuse in the TLS handshake: the JDK's TLS engine on a Netty server does not know the
 * peer's address, and a caller without any certificate is turned away by the engine before any
 * code of ours runs, so the log could not name who was refused, and the caller would see only "SSL
 * handshake failed". The handshake therefore asks for a certificate, checks that the caller holds
 * its private key (the TLS CertificateVerify message, always verified), and leaves the CA check to
 * {@link #transportReady}, which runs once per connection, before any call is served, and also on
 * resumed sessions, whose peer certificates are those of the original handshake.
 */
public final class ClientCertificateGate extends ServerTransportFilter implements ServerInterceptor {
    private static final Attributes.Key<String> REFUSAL = Attributes.Key.create("shardgate.tls.refusal");

    private final X509ExtendedTrustManager verifier;
    private final Path caFile;
    private final String forWhom;

    /** @param forWhom who calls this API, for messages: "routers", "the coordinator" */
    ClientCertificateGate(X509ExtendedTrustManager verifier, Path caFile, String forWhom) {
        this.verifier = verifier;
        this.caFile = caFile;
        this.forWhom = forWhom;
    }

    /** What the TLS handshake uses: it asks for a certificate, whatever its CA. */
    X509ExtendedTrustManager handshakeTrust() {
        return new AskingTrustManager();
    }

    @Override
    public Attributes transportReady(Attributes transport) {
        SocketAddress remote = transport.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String host = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        String peer = remote instanceof InetSocketAddress inet ? host + ":" + inet.getPort() : host;
        X509Certificate[] chain = peerChain(transport.get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        String refusal;
        if (chain.length == 0) {
            refusal = "no client certificate presented (client_ca_file requires one; grpc_client_tls mode mtls sends it)";
        } else {
            try {
                verifier.checkClientTrusted(chain, chain[0].getPublicKey().getAlgorithm());
                PeerRefusals.verified(host);
                return transport;
            } catch (CertificateException e) {
                refusal = PeerRefusals.reason(e, "client_ca_file", caFile);
            }
        }
        PeerRefusals.log(peer, host, "client", chain, refusal);
        return transport.toBuilder().set(REFUSAL, refusal).build();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String refusal = call.getAttributes().get(REFUSAL);
        if (refusal == null) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription("TLS client certificate refused by the gRPC API for "
                + forWhom + ": " + refusal), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    private static X509Certificate[] peerChain(SSLSession session) {
        if (session == null) {
            return new X509Certificate[0];
        }
        try {
            Certificate[] certificates = session.getPeerCertificates();
            return Arrays.stream(certificates).filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            return new X509Certificate[0];
        }
    }

    /**
     * Accepts any chain during the handshake; {@link #transportReady} decides. It names no CA in
     * its certificate request: a client picks its certificate by the CAs named, and one whose
     * certificate is from another CA would send none, leaving the log to say "no certificate"
     * where "signed by the wrong CA, subject ..." is the truth.
     */
    private static final class AskingTrustManager extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a server's trust manager does not check servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a server's trust manager does not check servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server's trust manager does not check servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
