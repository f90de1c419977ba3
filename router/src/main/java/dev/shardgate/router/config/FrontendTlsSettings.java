package dev.shardgate.router.config;

import dev.shardgate.wire.tls.ServerTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.util.Objects;

/**
 * router.yaml's {@code frontend_tls}, SPQR's section: TLS for clients of the router port and the
 * admin console. {@code mode} has PgBouncer's {@code client_tls_sslmode} meanings.
 *
 * @param files null exactly when {@code mode} is {@code disable}
 */
public record FrontendTlsSettings(SslMode mode, ServerTlsSettings files) {
    public static final FrontendTlsSettings DISABLED = new FrontendTlsSettings(SslMode.DISABLE, null);

    public FrontendTlsSettings {
        Objects.requireNonNull(mode, "mode");
        if (mode.offersTls() != (files != null)) {
            throw new IllegalArgumentException("files must be given exactly when TLS is on");
        }
    }
}
