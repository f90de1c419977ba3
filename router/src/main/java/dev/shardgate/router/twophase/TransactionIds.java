package dev.shardgate.router.twophase;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names of this router's prepared transactions, {@code sg_<router id>_<n>}, and which of them a
 * session of this process is still committing (recovery must leave those alone). The counter starts
 * from the clock, so that a restarted router does not reuse the name of a prepared transaction that
 * recovery could not finish yet.
 */
public final class TransactionIds {
    private final String routerId;
    private final AtomicLong counter = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    /** @param routerId letters and digits only (see RouterConfig.twoPhaseId) */
    public TransactionIds(String routerId) {
        if (!routerId.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("router id must be letters and digits: " + routerId);
        }
        this.routerId = routerId;
    }

    /** A new name, in flight until {@link #done}. */
    public String next() {
        String gid = prefix() + counter.incrementAndGet();
        inFlight.add(gid);
        return gid;
    }

    public void done(String gid) {
        inFlight.remove(gid);
    }

    public boolean isInFlight(String gid) {
        return inFlight.contains(gid);
    }

    public String prefix() {
        return "sg_" + routerId + "_";
    }

    /** A LIKE pattern matching this router's names: the underscores are escaped, not wildcards. */
    public String likePattern() {
        return prefix().replace("_", "\\_") + "%";
    }
}
