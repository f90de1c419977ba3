package dev.shardgate.router.pool;

import dev.shardgate.router.backend.BackendAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The health of one host of one shard, shared by every pool that connects to it. The health checker
 * writes it after each check; a failed backend connect counts as a failed check too (at most one
 * between two checks, so a crowd of clients does not make a host down at once). Readers see one
 * immutable {@link HostStatus} through a volatile field: choosing a host takes no lock.
 */
public final class HostHealth {
    private static final Logger log = LoggerFactory.getLogger(HostHealth.class);

    private final BackendAddress address;
    private volatile HostStatus status = HostStatus.UNCHECKED;
    /** When the role last changed (System.nanoTime): connections opened before are not reused. */
    private volatile long roleChangedNanos = Long.MIN_VALUE;
    private boolean connectFailureCounted;
    /**
     * The last checks of this host as a primary: when each query was sent (System.nanoTime) and the
     * WAL position it answered, a ring. A check sent after a commit answers a position at or past
     * that commit's: what read-your-writes needs from a standby, learned without a query of its own.
     */
    private final long[] primaryCheckSent = new long[8];
    private final long[] primaryCheckWal = new long[8];
    private int primaryChecks;

    public HostHealth(BackendAddress address) {
        this.address = address;
    }

    public BackendAddress address() {
        return address;
    }

    /** {@code host:port}, as SHOW hosts and error messages name the host. */
    public String hostPort() {
        return address.host().contains(":") ? "[" + address.host() + "]:" + address.port() : address.host() + ":" + address.port();
    }

    public HostStatus status() {
        return status;
    }

    long roleChangedNanos() {
        return roleChangedNanos;
    }

    /** A check answered. */
    synchronized void checked(CheckResult result, Instant at, int successesToUp, long sentNanos) {
        if (!result.inRecovery() && result.walBytes() >= 0 && sentNanos != 0) {
            int slot = primaryChecks++ % primaryCheckSent.length;
            primaryCheckSent[slot] = sentNanos;
            primaryCheckWal[slot] = result.walBytes();
        }
        HostStatus before = status;
        connectFailureCounted = false;
        int successes = before.successesInARow() + 1;
        boolean down = before.down() && successes < successesToUp;
        HostRole role = result.role();
        status = new HostStatus(role, true, result.readOnlyByDefault(), down, result.walBytes(),
                role == HostRole.PRIMARY ? 0 : before.lagBytes(), role == HostRole.PRIMARY ? 0 : before.lagSeconds(),
                at, null, 0, successes);
        if (before.role() != role && before.role() != HostRole.UNKNOWN) {
            roleChangedNanos = System.nanoTime();
            log.warn("event=host_role_changed shard={} host={} from={} to={}", address.shard(), hostPort(), before.role(), role);
        } else if (before.lastCheck() == null || before.role() == HostRole.UNKNOWN) {
            log.info("event=host_checked shard={} host={} role={} read_only={}", address.shard(), hostPort(), role,
                    result.readOnlyByDefault());
        }
        if (before.down() && !down) {
            log.info("event=host_up shard={} host={} role={} checks_ok={}", address.shard(), hostPort(), role, successes);
        } else if (before.failsInARow() > 0 && !down) {
            log.info("event=host_check_ok shard={} host={} after_failures={}", address.shard(), hostPort(), before.failsInARow());
        }
    }

    /**
     * The WAL position of this host as a primary at its earliest remembered check sent after
     * {@code nanos} (System.nanoTime), or -1 when no check was sent since: every transaction this
     * host committed before {@code nanos} lies at or below it.
     */
    synchronized long primaryWalCheckedAfter(long nanos) {
        long bestSent = 0;
        long wal = -1;
        for (int i = 0; i < Math.min(primaryChecks, primaryCheckSent.length); i++) {
            long sent = primaryCheckSent[i];
            if (sent - nanos > 0 && (wal < 0 || sent - bestSent < 0)) {
                bestSent = sent;
                wal = primaryCheckWal[i];
            }
        }
        return wal;
    }

    /** A check failed (no connection, no answer within the timeout, or an error). */
    synchronized void failed(String error, Instant at, int failsToDown) {
        connectFailureCounted = false;
        count(error, at, failsToDown);
    }

    /** A client's backend connect failed: one failed check, unless one was counted since the last check. */
    public synchronized void connectFailed(String error, int failsToDown) {
        if (connectFailureCounted) {
            return;
        }
        connectFailureCounted = true;
        count(error, status.lastCheck(), failsToDown);
    }

    private void count(String error, Instant at, int failsToDown) {
        HostStatus before = status;
        int fails = before.failsInARow() + 1;
        boolean down = before.down() || fails >= failsToDown;
        status = new HostStatus(before.role(), false, before.readOnlyByDefault(), down, before.walBytes(),
                before.lagBytes(), before.lagSeconds(), at, error, fails, 0);
        if (down && !before.down()) {
            log.warn("event=host_down shard={} host={} failed_checks={} error=\"{}\"", address.shard(), hostPort(), fails, error);
        } else if (fails == 1) {
            log.warn("event=host_check_failed shard={} host={} error=\"{}\"", address.shard(), hostPort(), error);
        }
    }

    /**
     * Before any check answered, a fresh backend's login tells the role: PostgreSQL 14 and later
     * report {@code in_hot_standby} with every login, and {@code default_transaction_read_only}.
     */
    synchronized void learnedAtLogin(String inHotStandby, String defaultReadOnly) {
        if (status.role() != HostRole.UNKNOWN || inHotStandby == null) {
            return;
        }
        HostRole role = inHotStandby.equals("on") ? HostRole.STANDBY : HostRole.PRIMARY;
        status = status.withRole(role, "on".equals(defaultReadOnly));
        log.info("event=host_role_from_login shard={} host={} role={}", address.shard(), hostPort(), role);
    }

    /** The round's lag figures, computed against the shard's primary. */
    synchronized void lag(long bytes, double seconds) {
        status = status.withLag(bytes, seconds);
    }

    @Override
    public String toString() {
        return hostPort();
    }
}
