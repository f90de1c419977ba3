package dev.shardgate.wire.tls;

import java.util.Objects;

/**
 * SPQR's {@code frontend_tls} section, in router.yaml and coordinator.yaml alike: TLS for clients of
 * the router port and of the admin consoles. {@code mode} has PgBouncer's {@code client_tls_sslmode}
 * meanings.
 *
 * @param files null exactly when {@code mode} is {@code disable}
 */
public record FrontendTlsSettings(SslMode mode, ServerTlsSettings files) {
    public static final FrontendTlsSettings DISABLED = new FrontendTlsSettings(SslMode.DISABLE, null);

    /** The section's keys, the same in both files. */
    public static final java.util.List<String> KEYS = java.util.List.of(
            "sslmode", "cert_file", "key_file", "root_cert_file", "min_protocol", "ciphers");

    public FrontendTlsSettings {
        Objects.requireNonNull(mode, "mode");
        if (mode.offersTls() != (files != null)) {
            throw new IllegalArgumentException("files must be given exactly when TLS is on");
        }
    }

    /**
     * What is wrong with the section as a whole (not a single file), for the reader to report at
     * {@code frontend_tls}; empty when nothing is.
     */
    public java.util.Optional<String> problem() {
        if (mode.verifiesPeer() && files.rootCertFile() == null) {
            return java.util.Optional.of("sslmode " + mode.configName() + " checks client certificates: root_cert_file is required");
        }
        return java.util.Optional.empty();
    }
}
