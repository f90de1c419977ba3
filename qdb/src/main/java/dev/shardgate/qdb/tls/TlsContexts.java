package dev.shardgate.qdb.tls;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Netty SslContexts for the configured links, built once at start by the JDK's TLS provider, with
 * gRPC's own settings (HTTP/2 over ALPN, its cipher list).
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** A server's context and, with mTLS, the gate that refuses callers whose certificate does not verify. */
    public record Server(SslContext context, Optional<ClientCertificateGate> gate) {
    }

    /** Empty when the mode is disabled. @throws TlsConfigException naming the key at fault */
    public static Optional<Server> server(GrpcServerTls tls, String forWhom) {
        tls.check();
        if (tls.mode() == TlsMode.DISABLED) {
            return Optional.empty();
        }
        SslContextBuilder builder = GrpcSslContexts.forServer(tls.certFile().toFile(), tls.keyFile().toFile());
        ClientCertificateGate gate = null;
        if (tls.mode() == TlsMode.MTLS) {
            gate = new ClientCertificateGate(TlsFiles.trustManager("client_ca_file", tls.clientCaFile()),
                    tls.clientCaFile(), forWhom);
            builder.trustManager(gate.handshakeTrust()).clientAuth(ClientAuth.OPTIONAL);
        }
        return Optional.of(new Server(build(builder, "cert_file"), Optional.ofNullable(gate)));
    }

    /** Empty when the mode is disabled. @throws TlsConfigException naming the key at fault */
    public static Optional<SslContext> client(GrpcClientTls tls) {
        tls.check();
        if (tls.mode() == TlsMode.DISABLED) {
            return Optional.empty();
        }
        return Optional.of(build(clientBuilder("root_ca_file", tls.rootCaFile(),
                tls.mode() == TlsMode.MTLS ? tls.certFile() : null, tls.keyFile()), "root_ca_file"));
    }

    /** Empty when TLS is off. @throws TlsConfigException naming the key at fault */
    public static Optional<SslContext> etcd(EtcdTls tls) {
        tls.check();
        if (!tls.enabled()) {
            return Optional.empty();
        }
        return Optional.of(build(clientBuilder("root_ca_file", tls.rootCaFile(), tls.certFile(), tls.keyFile()),
                "root_ca_file"));
    }

    private static SslContextBuilder clientBuilder(String caKey, Path caFile, Path certFile, Path keyFile) {
        SslContextBuilder builder = GrpcSslContexts.forClient()
                .trustManager(new ServerCertificateCheck(TlsFiles.trustManager(caKey, caFile), caKey, caFile));
        if (certFile != null) {
            builder.keyManager(certFile.toFile(), keyFile.toFile());
        }
        return builder;
    }

    private static SslContext build(SslContextBuilder builder, String key) {
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsConfigException(key, "cannot set up TLS: " + e.getMessage(), e);
        }
    }
}
