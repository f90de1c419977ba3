package dev.shardgate.router.pool;

import java.time.Instant;

/**
 * One host's health at one moment, as the health checker left it; replaced whole, never changed.
 *
 * @param role the role of the last successful check (or of a login, before any check)
 * @param roleIsCurrent the last check succeeded, so {@code role} is what the server says now
 * @param readOnlyByDefault {@code default_transaction_read_only} was on at the last check
 * @param down {@code health_check_fails} checks failed in a row and not {@code health_check_successes}
 *     succeeded since: the host gets no new transactions
 * @param walBytes on a primary its current WAL position, on a standby its replay position (bytes
 *     from 0/0); -1 unknown
 * @param lagBytes how far a standby's replay is behind its shard's primary; 0 on a primary, -1 unknown
 * @param lagSeconds 0 when caught up, else seconds since the last replayed transaction; -1 unknown
 * @param lastCheck when the last check finished, or null before the first
 * @param lastError the last check's or connection's error while it failed, or null
 * @param failsInARow failed checks since the last good one
 * @param successesInARow good checks since the last failed one
 */
public record HostStatus(HostRole role, boolean roleIsCurrent, boolean readOnlyByDefault, boolean down,
                         long walBytes, long lagBytes, double lagSeconds, Instant lastCheck, String lastError,
                         int failsInARow, int successesInARow) {
    /** Before anything is known: up (a fresh host is tried), role unknown. */
    static final HostStatus UNCHECKED = new HostStatus(HostRole.UNKNOWN, false, false, false, -1, -1, -1, null, null, 0, 0);

    HostStatus withLag(long bytes, double seconds) {
        return new HostStatus(role, roleIsCurrent, readOnlyByDefault, down, walBytes, bytes, seconds, lastCheck,
                lastError, failsInARow, successesInARow);
    }

    HostStatus withRole(HostRole learned, boolean readOnly) {
        return new HostStatus(learned, roleIsCurrent, readOnly, down, walBytes, lagBytes, lagSeconds, lastCheck,
                lastError, failsInARow, successesInARow);
    }

    /** As SHOW hosts prints the state. */
    String state() {
        return down ? "down" : lastCheck == null ? "unchecked" : "up";
    }
}
