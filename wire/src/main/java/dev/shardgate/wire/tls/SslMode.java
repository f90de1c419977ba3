package dev.shardgate.wire.tls;

import java.util.Locale;

/**
 * How much TLS a link asks for, spelled as libpq's and PgBouncer's {@code sslmode}. Towards a
 * server (a shard) the meanings are libpq's: {@code prefer} tries TLS and falls back to plain,
 * {@code require} insists on TLS without checking the certificate (unless a root certificate is
 * given: then as {@code verify-ca}, as libpq does), {@code verify-ca} checks the chain,
 * {@code verify-full} also the host name. Towards clients they are PgBouncer's
 * {@code client_tls_sslmode}: {@code allow} and {@code prefer} offer TLS, {@code require} refuses
 * plain clients, {@code verify-ca} and {@code verify-full} also demand a valid client certificate.
 */
public enum SslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    /** The spelling in configuration files: {@code verify-full}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean offersTls() {
        return this != DISABLE;
    }

    /** A link in this mode must not run in clear text. */
    public boolean requiresTls() {
        return compareTo(REQUIRE) >= 0;
    }

    /** The peer's certificate must chain to a trusted root. */
    public boolean verifiesPeer() {
        return compareTo(VERIFY_CA) >= 0;
    }
}
