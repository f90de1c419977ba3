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

    /**
     * The name a client chose ({@code __spqr__set_next_2pc_gid}) under this router's prefix, so that
     * recovery still finds the transaction; in flight until {@link #done}. PostgreSQL refuses a name
     * already prepared (42710).
     *
     * @throws IllegalArgumentException for a name that is not letters, digits and underscores, or
     *     that makes the whole longer than PostgreSQL's 199 bytes
     */
    public String named(String clientGid) {
        String gid = prefix() + clientGid;
        if (!isValidClientGid(clientGid) || gid.length() > MAX_GID_LENGTH) {
            throw new IllegalArgumentException("not a usable transaction name: " + clientGid);
        }
        inFlight.add(gid);
        return gid;
    }

    /** Letters, digits and underscores, and short enough for PostgreSQL's GIDSIZE with the prefix. */
    public boolean isValidClientGid(String clientGid) {
        return clientGid != null && clientGid.matches("[A-Za-z0-9_]+") && (prefix() + clientGid).length() <= MAX_GID_LENGTH;
    }

    /** PostgreSQL's GIDSIZE (200) less its terminating zero byte. */
    public static final int MAX_GID_LENGTH = 199;

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
