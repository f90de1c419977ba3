package dev.shardgate.router.config;

import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A shard's {@code tls} section, SPQR's place: how the router connects to the shard's hosts, with
 * libpq's {@code sslmode} meanings ({@code allow} is not offered).
 *
 * @param rootCertFile libpq's sslrootcert; null: the JDK's CAs for verify-ca/verify-full
 * @param certFile     a client certificate the router presents (with keyFile), or null
 */
public record ShardTlsSettings(SslMode mode, Path rootCertFile, Path certFile, Path keyFile) {
    public static final ShardTlsSettings DISABLED = new ShardTlsSettings(SslMode.DISABLE, null, null, null);

    public ShardTlsSettings {
        Objects.requireNonNull(mode, "mode");
    }
}
