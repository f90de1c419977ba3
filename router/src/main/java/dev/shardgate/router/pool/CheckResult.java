package dev.shardgate.router.pool;

/**
 * What one health check query answered.
 *
 * @param inRecovery {@code pg_is_in_recovery()}
 * @param readOnlyByDefault {@code current_setting('default_transaction_read_only')} is on
 * @param walBytes {@code pg_current_wal_lsn()} on a primary, {@code pg_last_wal_replay_lsn()} on a
 *     standby, as bytes from 0/0; -1 when the server has none (a standby that replayed nothing)
 * @param secondsSinceReplay on a standby, the server's now() minus {@code pg_last_xact_replay_timestamp()};
 *     -1 when unknown or on a primary
 */
public record CheckResult(boolean inRecovery, boolean readOnlyByDefault, long walBytes, double secondsSinceReplay) {
    public HostRole role() {
        return inRecovery ? HostRole.STANDBY : HostRole.PRIMARY;
    }
}
