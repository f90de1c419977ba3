package dev.shardgate.cli.postgres;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A certificate and PEM key for a {@link LocalPostgres} that serves TLS only: they are copied into
 * the data directory (server.crt, server.key, mode 0600, the server's OS user's), {@code ssl = on}
 * is set and pg_hba.conf admits TCP clients with {@code hostssl} lines only.
 */
public record ServerCertificate(Path certFile, Path keyFile) {
    public ServerCertificate {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
