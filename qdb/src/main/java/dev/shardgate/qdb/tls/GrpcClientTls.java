package dev.shardgate.qdb.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS of the gRPC calls this process makes (grpc_client_tls): the server's certificate must be
 * signed by a CA in {@code rootCaFile} (the JDK's trusted CAs when null) and name the address
 * called, or {@code serverName} when set; with {@link TlsMode#MTLS} this process presents
 * {@code certFile}. Paths and serverName are null when not set.
 */
public record GrpcClientTls(TlsMode mode, Path rootCaFile, Path certFile, Path keyFile, String serverName) {
    public static final GrpcClientTls DISABLED = new GrpcClientTls(TlsMode.DISABLED, null, null, null, null);

    public GrpcClientTls {
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
                TlsFiles.requireUnset("root_ca_file", rootCaFile, "mode is disabled");
                TlsFiles.requireUnset("cert_file", certFile, "mode is disabled");
                TlsFiles.requireUnset("key_file", keyFile, "mode is disabled");
                if (serverName != null) {
                    throw new TlsConfigException("server_name", "must not be set when mode is disabled", null);
                }
            }
            case TLS -> {
                TlsFiles.requireUnset("cert_file", certFile, "mode is tls (use mtls to present a certificate)");
                TlsFiles.requireUnset("key_file", keyFile, "mode is tls (use mtls to present a certificate)");
            }
            case MTLS -> {
                TlsFiles.requireSet("cert_file", certFile, "mode is mtls");
                TlsFiles.requireSet("key_file", keyFile, "mode is mtls");
            }
        }
        if (serverName != null && serverName.isBlank()) {
            throw new TlsConfigException("server_name", "must not be empty", null);
        }
        if (mode != TlsMode.DISABLED && rootCaFile != null) {
            TlsFiles.trustManager("root_ca_file", rootCaFile);
        }
        if (mode == TlsMode.MTLS) {
            TlsFiles.keyPair(certFile, keyFile);
        }
    }
}
