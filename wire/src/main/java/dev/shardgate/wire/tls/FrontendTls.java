package dev.shardgate.wire.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;

/**
 * TLS towards clients, as {@code frontend_tls} sets it for the router (its port and console) or the
 * coordinator's console: the mode and, when TLS is on, the certificate (re-read when its files change).
 *
 * @param server null exactly when {@code mode} is {@code disable}
 */
public record FrontendTls(SslMode mode, ServerTls server) {
    public static final FrontendTls DISABLED = new FrontendTls(SslMode.DISABLE, null);

    /**
     * Loads the certificate and key now: a file that does not load stops the start.
     *
     * @throws GeneralSecurityException or IOException naming the file's problem; see {@link #loadProblem}
     */
    public static FrontendTls load(FrontendTlsSettings settings) throws GeneralSecurityException, IOException {
        if (!settings.mode().offersTls()) {
            return DISABLED;
        }
        return new FrontendTls(settings.mode(), ServerTls.load(settings.files(), settings.mode().verifiesPeer()));
    }

    /** How a configuration error names a failed {@link #load}. */
    public static String loadProblem(FrontendTlsSettings settings, Exception e) {
        return "cannot load the certificate " + settings.files().certFile() + " or key " + settings.files().keyFile()
                + ": " + e.getMessage();
    }
}
