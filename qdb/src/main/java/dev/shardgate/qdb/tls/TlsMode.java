package dev.shardgate.qdb.tls;

import java.util.Locale;

/** How a gRPC link is secured, with SPQR's names for gRPC TLS modes. */
public enum TlsMode {
    /** Plain text: the only choice before TLS existed, still the default. */
    DISABLED,
    /** TLS; the server proves itself with its certificate. */
    TLS,
    /** TLS, and the client proves itself too, with a certificate the server's CA signed. */
    MTLS;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
