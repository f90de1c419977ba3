package dev.shardgate.wire.tls;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The files and limits of a TLS server (the router's client port and its console).
 *
 * @param rootCertFile CAs that client certificates must chain to; null: client certificates are
 *                     not asked for
 * @param minProtocol  the oldest protocol accepted: {@code TLSv1.2} or {@code TLSv1.3}
 * @param ciphers      JDK cipher suite names; empty: the JDK's defaults
 */
public record ServerTlsSettings(Path certFile, Path keyFile, Path rootCertFile, String minProtocol, List<String> ciphers) {
    public static final String DEFAULT_MIN_PROTOCOL = "TLSv1.2";
    public static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    public ServerTlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(minProtocol, "minProtocol");
        if (!PROTOCOLS.contains(minProtocol)) {
            throw new IllegalArgumentException("min_protocol must be one of " + PROTOCOLS + ", not " + minProtocol);
        }
        ciphers = List.copyOf(ciphers);
    }

    /** The protocols enabled: {@link #minProtocol} and newer. */
    public String[] protocols() {
        return PROTOCOLS.subList(PROTOCOLS.indexOf(minProtocol), PROTOCOLS.size()).toArray(new String[0]);
    }
}
