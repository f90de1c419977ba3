package dev.shardgate.console.replica;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.util.List;

/** Asks one standby to become a primary and waits until it says it is one. */
final class Promoter {
    /** What pg_promote(true, n) is asked to wait; PostgreSQL's own default is 60 seconds. */
    static final int PROMOTE_WAIT_SECONDS = 60;
    /** How long the host may still answer pg_is_in_recovery() = true after pg_promote() said it is done. */
    static final Duration CONFIRM_WAIT = Duration.ofSeconds(10);

    private final HostProbe probe;

    Promoter(HostProbe probe) {
        this.probe = probe;
    }

    /**
     * {@code pg_promote(true, 60)} returns once recovery has ended, or false after 60 seconds; the
     * host is then asked again until {@code pg_is_in_recovery()} is false — accepting writes.
     *
     * @throws PgException naming shard and host when the host refuses, cannot be reached, or is not
     *         a primary after the wait
     */
    void promote(String shard, String host) {
        Duration wait = Duration.ofSeconds(PROMOTE_WAIT_SECONDS).plus(probe.timeout());
        List<List<String>> answer;
        try {
            answer = probe.queries().query(shard, host, "SELECT pg_promote(true, " + PROMOTE_WAIT_SECONDS + ")", wait);
        } catch (PgException e) {
            throw new PgException(e.sqlState(), "cannot promote host " + Hosts.quote(host) + " of shard "
                    + Hosts.quote(shard) + ": " + e.getMessage());
        }
        if (answer.size() != 1 || !"t".equals(answer.getFirst().getFirst())) {
            throw notPrimary(shard, host, "within " + PROMOTE_WAIT_SECONDS + " s of pg_promote()");
        }
        // Asked again over a new connection, as clients will see it: done when it says it is no
        // longer in recovery.
        long deadline = System.nanoTime() + CONFIRM_WAIT.toNanos();
        while (!probe.check(shard, host).isPrimary()) {
            if (System.nanoTime() > deadline) {
                throw notPrimary(shard, host, CONFIRM_WAIT.toSeconds() + " s after pg_promote() returned");
            }
            sleep();
        }
    }

    private static PgException notPrimary(String shard, String host, String when) {
        return new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "host " + Hosts.quote(host) + " of shard " + Hosts.quote(shard) + " is not a primary " + when);
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException(SqlState.QUERY_CANCELED, "promotion wait interrupted");
        }
    }
}
