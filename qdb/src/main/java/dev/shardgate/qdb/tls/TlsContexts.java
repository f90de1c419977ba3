package dev.shardgate.qdb.tls;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Netty SslContexts for the configured links, with gRPC's own settings (HTTP/2 over ALPN, its
 * cipher list). Servers' and etcd's are built once at start; gRPC clients' once per channel, from
 * a CA list read at start, so that each names the address it calls.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * A server's context and, with mTLS, the gate that refuses callers whose certificate does not
     * verify. With mTLS the context alone admits any client certificate (see
     * {@link ClientCertificateGate}): it is safe only with the gate installed as transport filter
     * and interceptor, as {@link dev.shardgate.qdb.SyncServer} does.
     */
    public record Server(SslContext context, Optional<ClientCertificateGate> gate) {
    }

    /** Empty when the mode is disabled. @throws TlsConfigException naming the key at fault */
    public static Optional<Server> server(GrpcServerTls tls, String forWhom) {
        tls.check();
        if (tls.mode() == TlsMode.DISABLED) {
            return Optional.empty();
        }
        TlsFiles.KeyPair own = TlsFiles.keyPair(tls.certFile(), tls.keyFile());
        SslContextBuilder builder = GrpcSslContexts.configure(SslContextBuilder.forServer(own.key(), own.chain()));
        ClientCertificateGate gate = null;
        if (tls.mode() == TlsMode.MTLS) {
            gate = new ClientCertificateGate(TlsFiles.trustManager("client_ca_file", tls.clientCaFile()),
                    tls.clientCaFile(), forWhom);
            builder.trustManager(gate.handshakeTrust()).clientAuth(ClientAuth.OPTIONAL);
        }
        return Optional.of(new Server(build(builder, "cert_file"), Optional.ofNullable(gate)));
    }

    /**
     * What verifies servers for grpc_client_tls, read once: the CAs of root_ca_file (or the JDK's).
     * Empty when the mode is disabled.
     *
     * @throws TlsConfigException naming the key at fault
     */
    public static Optional<X509ExtendedTrustManager> clientVerifier(GrpcClientTls tls) {
        tls.check();
        if (tls.mode() == TlsMode.DISABLED) {
            return Optional.empty();
        }
        return Optional.of(TlsFiles.trustManager("root_ca_file", tls.rootCaFile()));
    }

    /**
     * A client context for one address: its refusals name the address called, also when
     * server_name makes the certificate's name another.
     *
     * @param verifier from {@link #clientVerifier}
     */
    public static SslContext client(GrpcClientTls tls, X509ExtendedTrustManager verifier, String calledAddress) {
        SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(new ServerCertificateCheck(verifier,
                "root_ca_file", tls.rootCaFile(), calledAddress, tls.serverName()));
        if (tls.mode() == TlsMode.MTLS) {
            TlsFiles.KeyPair own = TlsFiles.keyPair(tls.certFile(), tls.keyFile());
            builder.keyManager(own.key(), own.chain());
        }
        return build(builder, "cert_file");
    }

    /** Empty when TLS is off. @throws TlsConfigException naming the key at fault */
    public static Optional<SslContext> etcd(EtcdTls tls) {
        tls.check();
        if (!tls.enabled()) {
            return Optional.empty();
        }
        SslContextBuilder builder = GrpcSslContexts.forClient().trustManager(new ServerCertificateCheck(
                TlsFiles.trustManager("root_ca_file", tls.rootCaFile()), "root_ca_file", tls.rootCaFile(), null, null));
        if (tls.certFile() != null) {
            TlsFiles.KeyPair own = TlsFiles.keyPair(tls.certFile(), tls.keyFile());
            builder.keyManager(own.key(), own.chain());
        }
        return Optional.of(build(builder, "root_ca_file"));
    }

    private static SslContext build(SslContextBuilder builder, String key) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException(key, "cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
