package dev.shardgate.router.pool;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PAUSE and RESUME: shards whose new transactions wait at the pool, while transactions that
 * already hold a backend finish. A wait is bounded by {@code pause_timeout} (then 57P03, which
 * clients treat as "try again"), ends at a client's cancel, and ends when the pause does.
 *
 * <p>A pause may carry a lease (the coordinator's, around a switchover): it then ends by itself
 * when the lease runs out, so that a coordinator dying mid-way leaves no shard paused for ever.
 * A pause from the console has none, as PgBouncer's PAUSE.
 *
 * <p>Costs a transaction one volatile read while nothing is paused.
 */
public final class ShardPauses {
    private static final Logger log = LoggerFactory.getLogger(ShardPauses.class);
    /** The key of a pause of every shard. */
    static final String EVERY_SHARD = "*";
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** One pause: of which shard ({@code *}: every shard), why, since when, and when it ends by itself (null: at RESUME only). */
    public record Pause(String shard, String reason, Instant since, Instant expires) {
    }

    /** pause_timeout; a reload may change it for the waits that start afterwards. */
    private volatile Duration timeout;
    private final ConcurrentHashMap<String, Pause> paused = new ConcurrentHashMap<>();
    private volatile boolean any;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();

    /** @param timeout how long a new transaction waits at a paused shard: pause_timeout */
    public ShardPauses(Duration timeout) {
        this.timeout = timeout;
    }

    /** pause_timeout in force. */
    public Duration timeout() {
        return timeout;
    }

    /** A reload changed pause_timeout: waits and PAUSEs that start from now on use {@code value}. */
    void timeoutIs(Duration value) {
        timeout = value;
    }

    /**
     * Pauses {@code shard} (empty: every shard) for {@code reason}, until RESUME or, with a
     * {@code lease}, until the lease ends. Pausing a paused shard replaces its reason and lease.
     */
    public void pause(Optional<String> shard, String reason, Optional<Duration> lease) {
        Instant now = Instant.now();
        String key = shard.orElse(EVERY_SHARD);
        paused.put(key, new Pause(key, reason, now, lease.map(now::plus).orElse(null)));
        any = true;
        log.info("event=shard_paused shard={} reason=\"{}\" lease={}", key, reason, lease.map(Duration::toString).orElse("none"));
    }

    /**
     * Ends the pause of {@code shard} (empty: every pause).
     *
     * @throws PgException 55000 for one shard while every shard is paused, 42704 when it is not paused
     */
    public void resume(Optional<String> shard) {
        if (shard.isPresent() && !paused.containsKey(shard.get())) {
            if (paused.containsKey(EVERY_SHARD)) {
                throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                        "every shard is paused, not shard \"" + shard.get() + "\" alone")
                        .withHint("RESUME without SHARD ends the pause of every shard.");
            }
            throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + shard.get() + "\" is not paused");
        }
        if (shard.isPresent()) {
            paused.remove(shard.get());
        } else {
            paused.clear();
        }
        wake();
        log.info("event=shard_resumed shard={}", shard.orElse(EVERY_SHARD));
    }

    /** The pauses in effect, for SHOW pauses. */
    public List<Pause> pauses() {
        List<Pause> all = new ArrayList<>();
        for (String key : List.copyOf(paused.keySet())) {
            Pause pause = current(key);
            if (pause != null) {
                all.add(pause);
            }
        }
        return all;
    }

    /**
     * Returns at once unless {@code shard} is paused; then waits until it is resumed.
     *
     * @throws PgException 57P03 when the pause outlasts pause_timeout, 57014 at the client's cancel
     */
    void awaitOpen(String shard, BooleanSupplier cancelled) {
        if (!any) {
            return;
        }
        Duration limit = timeout;
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (true) {
                Pause pause = current(shard);
                if (pause == null) {
                    pause = current(EVERY_SHARD);
                }
                if (pause == null) {
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new PgException(SqlState.CANNOT_CONNECT_NOW, "shard \"" + shard + "\" is paused ("
                            + pause.reason() + ") and was not resumed within pause_timeout (" + limit.toMillis() + " ms)")
                            .withHint("Try again; RESUME on the console ends a pause.");
                }
                if (cancelled.getAsBoolean()) {
                    throw new PgException(SqlState.QUERY_CANCELED,
                            "canceling statement due to user request while shard \"" + shard + "\" is paused");
                }
                try {
                    resumed.awaitNanos(Math.min(left, CHECK_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PgException(SqlState.QUERY_CANCELED, "interrupted while shard \"" + shard + "\" is paused");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The pause under {@code key} if it is in effect; one whose lease ran out is ended here. */
    private Pause current(String key) {
        Pause pause = paused.get(key);
        if (pause == null || pause.expires() == null || Instant.now().isBefore(pause.expires())) {
            return pause;
        }
        if (paused.remove(key, pause)) {
            log.warn("event=shard_pause_expired shard={} reason=\"{}\" since={}", key, pause.reason(), pause.since());
            wake();
        }
        return null;
    }

    private void wake() {
        any = !paused.isEmpty();
        lock.lock();
        try {
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
