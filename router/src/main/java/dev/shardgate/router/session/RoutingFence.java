package dev.shardgate.router.session;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;

/**
 * What a router's acknowledgement of a metadata version promises the coordinator: no statement it
 * routed with an older version can still reach a shard.
 *
 * <p>A move locks its batch's key range, waits until every router holds the lock's version, then
 * until the transactions older than that have ended on the source shard, and copies. A statement a
 * router routed to the source just before it took the lock, but which the source had not begun yet
 * when the coordinator looked, is in neither wait: it would change a row after the copy read it (the
 * change then lost with the source's delete) or find the row already gone (UPDATE 0 where
 * PostgreSQL says UPDATE 1). So the router acknowledges a version only once every session that began
 * its current work with older metadata has finished it (its answers relayed, waiting on its client
 * again) or waits on a locked key range (it has seen the lock), up to a bound: a session that runs
 * long (a COPY, a slow statement) has begun its transaction on the shard, where the coordinator's
 * own wait for older transactions finds it.
 */
public final class RoutingFence {
    private static final Logger log = LoggerFactory.getLogger(RoutingFence.class);
    /** How long an acknowledgement waits for sessions at most; below the coordinator's wait for it (5 s). */
    public static final Duration WAIT = Duration.ofSeconds(4);

    private RoutingFence() {
    }

    /**
     * Waits until no session of {@code sessions} runs what it may have routed with metadata older than
     * {@code version}, at most {@code timeout}.
     *
     * @return whether none did within the timeout
     */
    public static boolean await(Collection<ClientSession> sessions, long version, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int older = 0;
            for (ClientSession session : sessions) {
                if (routesWithOlderThan(session, version)) {
                    older++;
                }
            }
            if (older == 0) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                log.warn("event=routing_fence_timeout version={} sessions={} wait_ms={}", version, older, timeout.toMillis());
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Whether what {@code session} runs now may have been routed with metadata older than
     * {@code version} and may still reach a shard: false once it waits on its client, and while it
     * waits on a locked key range (it has seen the lock).
     */
    private static boolean routesWithOlderThan(ClientSession session, long version) {
        TransactionRouter router = session.router;
        return session.idleWait.routesWithOlderThan(version, session) && (router == null || !router.waitingOnLock());
    }
}
