package dev.shardgate.router.config;

import java.util.Locale;

/**
 * How a password is exchanged: {@code ok} asks for none (PostgreSQL's {@code trust}),
 * {@code clear_text}, {@code md5} and {@code scram} (SCRAM-SHA-256) as in pg_hba.conf.
 */
public enum AuthMethod {
    OK,
    CLEAR_TEXT,
    MD5,
    SCRAM,
    /** PostgreSQL's {@code cert}: a verified TLS client certificate whose CN is the user name. */
    CERT;

    /** The spelling in router.yaml, lower case as SPQR writes it. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The server-side password exchange this method asks a client for. */
    public dev.shardgate.wire.auth.PasswordExchange.Method exchange() {
        return switch (this) {
            case OK -> dev.shardgate.wire.auth.PasswordExchange.Method.TRUST;
            case CLEAR_TEXT -> dev.shardgate.wire.auth.PasswordExchange.Method.CLEAR_TEXT;
            case MD5 -> dev.shardgate.wire.auth.PasswordExchange.Method.MD5;
            case SCRAM -> dev.shardgate.wire.auth.PasswordExchange.Method.SCRAM;
            case CERT -> throw new IllegalStateException("cert authentication has no password exchange");
        };
    }

    public boolean needsPassword() {
        return this != OK && this != CERT;
    }
}
