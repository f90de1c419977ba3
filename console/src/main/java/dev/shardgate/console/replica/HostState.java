package dev.shardgate.console.replica;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One host as one check found it.
 *
 * @param lsn        for a primary its current WAL write position, for a standby the position it
 *                   has replayed up to; zero for an unreachable host
 * @param replayAge  for a standby, how long ago (by its clock) the last transaction it replayed
 *                   committed on the primary; null for a primary or a standby that replayed none
 * @param error      why the host could not be checked; null when the check succeeded
 * @param running    the server answered, if only with an error (a refused login, too many
 *                   connections, starting up): it is running, whatever its role
 */
public record HostState(String shard, String host, Role role, Lsn lsn, java.time.Duration replayAge, Instant checkedAt,
                        String error, boolean running) {

    /** What the server says it is ({@code pg_is_in_recovery()}), never what the host list says. */
    public enum Role {
        PRIMARY, STANDBY, UNKNOWN;

        /** As SHOW hosts prints it. */
        public String consoleName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public HostState {
        Objects.requireNonNull(shard);
        Objects.requireNonNull(host);
        Objects.requireNonNull(role);
        Objects.requireNonNull(lsn);
        Objects.requireNonNull(checkedAt);
    }

    /** No answer at all: connection refused, timed out, or broken. */
    static HostState silent(String shard, String host, Instant checkedAt, String error) {
        return new HostState(shard, host, Role.UNKNOWN, Lsn.ZERO, null, checkedAt, error, false);
    }

    /** The server answered, but not the check: its role is unknown, and it may be a primary. */
    static HostState failing(String shard, String host, Instant checkedAt, String error) {
        return new HostState(shard, host, Role.UNKNOWN, Lsn.ZERO, null, checkedAt, error, true);
    }

    /** Whether the check found the host's role. */
    public boolean isReachable() {
        return role != Role.UNKNOWN;
    }

    /** Running but its role unknown: a host that FAILOVER must not take for gone. */
    public boolean isRunningUnchecked() {
        return running && role == Role.UNKNOWN;
    }

    /** As SHOW hosts prints it: {@code up} (checked), {@code error} (answered with an error), {@code down}. */
    public String stateName() {
        return isReachable() ? "up" : running ? "error" : "down";
    }

    public boolean isPrimary() {
        return role == Role.PRIMARY;
    }

    public boolean isStandby() {
        return role == Role.STANDBY;
    }

    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }
}
