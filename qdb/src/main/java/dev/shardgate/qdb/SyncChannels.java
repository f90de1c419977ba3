package dev.shardgate.qdb;

import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.TlsContexts;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import java.util.Optional;

/**
 * Opens channels to the metadata sync API of other processes (routers, coordinators), in plain
 * text or over TLS as grpc_client_tls says; the certificate files are read once, here.
 */
public final class SyncChannels {
    public static final SyncChannels PLAIN = new SyncChannels(GrpcClientTls.DISABLED);

    private final Optional<SslContext> tls;
    private final String serverName;

    /** @throws dev.shardgate.qdb.tls.TlsConfigException when a certificate or key file cannot be used */
    public SyncChannels(GrpcClientTls tls) {
        this.tls = TlsContexts.client(tls);
        this.serverName = tls.serverName();
    }

    public ManagedChannel open(SyncEndpoint address) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port());
        if (tls.isEmpty()) {
            return builder.usePlaintext().build();
        }
        builder.sslContext(tls.get());
        if (serverName != null) {
            builder.overrideAuthority(serverName + ":" + address.port());
        }
        return builder.build();
    }

    /**
     * A failed call in words: gRPC's status, and for a connection that failed (a refused
     * certificate, a refused connection) the cause gRPC keeps apart from its description.
     */
    public static String describe(StatusRuntimeException e) {
        StringBuilder text = new StringBuilder(e.getStatus().getCode().toString());
        if (e.getStatus().getDescription() != null) {
            text.append(": ").append(e.getStatus().getDescription());
        }
        Throwable cause = e.getStatus().getCause();
        Throwable deepest = null;
        while (cause != null) {
            deepest = cause;
            cause = cause.getCause() == cause ? null : cause.getCause();
        }
        // A certificate refusal is wrapped in SSL exceptions; ours says it best.
        Throwable named = e.getStatus().getCause();
        while (named != null && !(named instanceof java.security.cert.CertificateException)) {
            named = named.getCause();
        }
        Throwable shown = named != null ? named : deepest;
        if (shown != null && shown.getMessage() != null && !text.toString().contains(shown.getMessage())) {
            text.append(" (").append(shown.getMessage()).append(')');
        }
        return text.toString();
    }
}
