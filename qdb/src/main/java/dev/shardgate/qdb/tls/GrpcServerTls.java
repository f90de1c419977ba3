package dev.shardgate.qdb.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS of a gRPC API this process serves (grpc_server_tls): with {@link TlsMode#MTLS} every caller
 * must present a certificate signed by a CA in {@code clientCaFile}. Paths are null when not set.
 */
public record GrpcServerTls(TlsMode mode, Path certFile, Path keyFile, Path clientCaFile) {
    public static final GrpcServerTls DISABLED = new GrpcServerTls(TlsMode.DISABLED, null, null, null);

    public GrpcServerTls {
        Objects.requireNonNull(mode, "mode");
    }

    /**
     * Which files each mode needs, and that they hold what they should.
     *
     * @throws TlsConfigException naming the key at fault
     */
    public void check() {
        switch (mode) {
            case DISABLED -> {
                TlsFiles.requireUnset("cert_file", certFile, "mode is disabled");
                TlsFiles.requireUnset("key_file", keyFile, "mode is disabled");
                TlsFiles.requireUnset("client_ca_file", clientCaFile, "mode is disabled");
            }
            case TLS -> {
                TlsFiles.requireSet("cert_file", certFile, "mode is tls");
                TlsFiles.requireSet("key_file", keyFile, "mode is tls");
                TlsFiles.requireUnset("client_ca_file", clientCaFile, "mode is tls (use mtls to verify clients)");
            }
            case MTLS -> {
                TlsFiles.requireSet("cert_file", certFile, "mode is mtls");
                TlsFiles.requireSet("key_file", keyFile, "mode is mtls");
                TlsFiles.requireSet("client_ca_file", clientCaFile, "mode is mtls");
            }
        }
        if (mode != TlsMode.DISABLED) {
            TlsFiles.keyPair(certFile, keyFile);
        }
        if (mode == TlsMode.MTLS) {
            TlsFiles.trustManager("client_ca_file", clientCaFile);
        }
    }
}
