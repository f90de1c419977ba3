package dev.shardgate.console.replica;

import java.time.Duration;

/**
 * Holds a shard's new transactions at the routers while a switchover moves its primary: the
 * router's own pools when the router's console runs it, every router of the fleet when the
 * coordinator's does. Holding is an improvement, not the safety: the old primary is fenced by
 * PostgreSQL itself (read-only, sessions terminated), so a router that cannot be held loses no
 * committed transaction; its clients get errors instead of a wait.
 */
public interface TrafficHold {
    /** Nothing is held: clients of the shard see the fencing as errors. */
    TrafficHold NONE = new TrafficHold() {
        @Override
        public String hold(String shard, Duration drain, Duration lease) {
            return "not held";
        }

        @Override
        public void release(String shard) {
        }
    };

    /**
     * New transactions on {@code shard} wait; returns once the ones in flight ended, or after
     * {@code drain}. A hold ends by itself after {@code lease}.
     *
     * @return what happened, for the log (e.g. "2 routers held, 0 in flight")
     */
    String hold(String shard, Duration drain, Duration lease);

    /** Ends the hold once the routers know the shard's new primary (its host list changed before this). */
    void release(String shard);
}
