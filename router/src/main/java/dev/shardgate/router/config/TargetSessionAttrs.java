package dev.shardgate.router.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Which host of a shard a transaction may use, with libpq's meanings plus SPQR's
 * {@code smart-read-write}: {@code read-write} a host not in recovery whose transactions are
 * read-write by default; {@code primary} a host not in recovery; {@code read-only} a standby or a
 * primary read-only by default; {@code standby} a standby only; {@code prefer-standby} a standby,
 * else any usable host; {@code any} any usable host. {@code smart-read-write} is decided per
 * transaction by the session (a transaction opening with a read-only statement is
 * {@code prefer-standby}, any other {@code read-write}); the pool layer never sees it.
 */
public enum TargetSessionAttrs {
    READ_WRITE("read-write"),
    PRIMARY("primary"),
    READ_ONLY("read-only"),
    STANDBY("standby"),
    PREFER_STANDBY("prefer-standby"),
    ANY("any"),
    SMART_READ_WRITE("smart-read-write");

    private final String spelling;

    TargetSessionAttrs(String spelling) {
        this.spelling = spelling;
    }

    /** The spelling in router.yaml, SET and hints: {@code read-write}, {@code prefer-standby}, … */
    public String spelling() {
        return spelling;
    }

    /** Parses a spelling, case-insensitively, with '_' taken for '-'; empty when it is none of them. */
    public static Optional<TargetSessionAttrs> parse(String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (TargetSessionAttrs attrs : values()) {
            if (attrs.spelling.equals(wanted)) {
                return Optional.of(attrs);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return spelling;
    }
}
