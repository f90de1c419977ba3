package dev.shardgate.wire.listen;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count of connections a listener holds, against a limit: PostgreSQL's max_connections for a
 * proxy. A connection takes a slot when accepted and gives it back when it ends; one more than the
 * limit is {@linkplain TooManyClients refused}.
 */
public final class ConnectionSlots {
    private final int limit;
    private final AtomicInteger taken = new AtomicInteger();

    public ConnectionSlots(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " < 1");
        }
        this.limit = limit;
    }

    /** @return true with a slot taken, false when all are in use */
    public boolean tryTake() {
        while (true) {
            int now = taken.get();
            if (now >= limit) {
                return false;
            }
            if (taken.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    public void release() {
        taken.decrementAndGet();
    }

    public int inUse() {
        return taken.get();
    }

    public int limit() {
        return limit;
    }
}
