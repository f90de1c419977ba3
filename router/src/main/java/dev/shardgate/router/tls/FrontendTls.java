package dev.shardgate.router.tls;

import dev.shardgate.router.config.ConfigException;
import dev.shardgate.router.config.FrontendTlsSettings;
import dev.shardgate.wire.tls.ServerTls;
import dev.shardgate.wire.tls.SslMode;
import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * The router's TLS towards its clients, on the router port and the console: the mode and, when TLS
 * is on, the certificate (re-read when its files change).
 *
 * @param server null exactly when {@code mode} is {@code disable}
 */
public record FrontendTls(SslMode mode, ServerTls server) {
    public static final FrontendTls DISABLED = new FrontendTls(SslMode.DISABLE, null);

    /**
     * Loads the certificate and key now: a file that does not load stops the start.
     *
     * @throws ConfigException naming frontend_tls and the file's problem
     */
    public static FrontendTls load(FrontendTlsSettings settings) {
        if (!settings.mode().offersTls()) {
            return DISABLED;
        }
        try {
            return new FrontendTls(settings.mode(), ServerTls.load(settings.files(), settings.mode().verifiesPeer()));
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("router.yaml", 0, "frontend_tls", "cannot load the certificate "
                    + settings.files().certFile() + " or key " + settings.files().keyFile() + ": " + e.getMessage(), e);
        }
    }
}
