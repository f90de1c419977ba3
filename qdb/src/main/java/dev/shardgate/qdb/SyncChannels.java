package dev.shardgate.qdb;

import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.TlsContexts;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Opens channels to the metadata sync API of other processes (routers, coordinators), in plain
 * text or over TLS as grpc_client_tls says; the certificate files are read once, here.
 */
public final class SyncChannels {
    public static final SyncChannels PLAIN = new SyncChannels(GrpcClientTls.DISABLED);

    private final GrpcClientTls tls;
    private final Optional<X509ExtendedTrustManager> verifier;

    /** @throws dev.shardgate.qdb.tls.TlsConfigException when a certificate or key file cannot be used */
    public SyncChannels(GrpcClientTls tls) {
        this.tls = tls;
        this.verifier = TlsContexts.clientVerifier(tls);
    }

    public ManagedChannel open(SyncEndpoint address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port());
        if (verifier.isEmpty()) {
            return builder.usePlaintext().build();
        }
        // One context per channel, so that a refusal names the address called even under server_name.
        builder.sslContext(TlsContexts.client(tls, verifier.get(), address.toString()));
        if (tls.serverName() != null) {
            builder.overrideAuthority(tls.serverName() + ":" + address.port());
        }
        return builder.build();
    }

    /**
     * A failed call in one line: gRPC's status code and description, or for a certificate refused
     * in the handshake our reason, which gRPC keeps apart as the cause of "io exception"; for
     * another failed connection its deepest cause.
     */
    public static String describe(StatusRuntimeException e) {
        String code = e.getStatus().getCode().toString();
        for (Throwable cause = e.getStatus().getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateException && cause.getMessage() != null) {
                return oneLine(code + ": " + cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        StringBuilder text = new StringBuilder(code);
        if (e.getStatus().getDescription() != null) {
            text.append(": ").append(e.getStatus().getDescription());
        }
        Throwable deepest = e.getStatus().getCause();
        while (deepest != null && deepest.getCause() != null && deepest.getCause() != deepest) {
            deepest = deepest.getCause();
        }
        if (deepest != null && deepest.getMessage() != null && !text.toString().contains(deepest.getMessage())) {
            text.append(" (").append(deepest.getMessage()).append(')');
        }
        return oneLine(text.toString());
    }

    /** gRPC's descriptions may hold a Netty pipeline on a second line; a log line stays one line. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
