package dev.shardgate.router.pool;

import dev.shardgate.console.replica.TrafficHold;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * PAUSE and RESUME as the router's console and its coordinator ask for them: pausing waits for
 * the transactions in flight on the shard to end; resuming after a switchover first lets a health
 * round learn the hosts' new roles, so that the first transaction after it goes to the new primary.
 */
public final class Traffic implements TrafficHold {
    private static final long POLL_NANOS = 10_000_000;
    /** How long a switchover's resume waits for the health round that learns the new primary. */
    private static final Duration FRESH_CHECK = Duration.ofSeconds(5);

    private final Pools pools;

    public Traffic(Pools pools) {
        this.pools = pools;
    }

    /**
     * Pauses {@code shard} (empty: every shard) and waits until no backend of it is lent to a client,
     * at most {@code drain} (null: pause_timeout).
     *
     * @return the transactions still in flight when it returned: 0 unless the wait ran out
     */
    public int pause(Optional<String> shard, String reason, Optional<Duration> lease, Duration drain) {
        pools.pauses().pause(shard, reason, lease);
        long deadline = System.nanoTime() + (drain == null ? pools.pauses().timeout() : drain).toNanos();
        int inFlight;
        while ((inFlight = pools.inFlight(shard)) > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        return inFlight;
    }

    /**
     * Ends the pause; with a positive {@code freshCheck}, first waits (that long at most) for a
     * health round begun now.
     */
    public void resume(Optional<String> shard, Duration freshCheck) {
        if (freshCheck.isPositive()) {
            pools.awaitFreshCheck(freshCheck);
        }
        pools.pauses().resume(shard);
    }

    /** A switchover run by this router's console holds this router's transactions. */
    @Override
    public String hold(String shard, Duration drain, Duration lease) {
        int inFlight = pause(Optional.of(shard), "switchover", Optional.of(lease), drain);
        return "this router, " + inFlight + " in flight";
    }

    @Override
    public void release(String shard) {
        try {
            resume(Optional.of(shard), FRESH_CHECK);
        } catch (dev.shardgate.wire.PgException e) {
            // RESUME on the console ended the hold already
        }
    }
}
