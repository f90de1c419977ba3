package dev.shardgate.router.pool;

/**
 * What a host is, as its server last said: {@code pg_is_in_recovery()} false is a primary, true a
 * standby. Never taken from the order of the host list.
 */
public enum HostRole {
    PRIMARY("primary"),
    STANDBY("standby"),
    /** Not learned yet: never checked, or no check ever succeeded. */
    UNKNOWN("unknown");

    private final String spelling;

    HostRole(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
