package dev.shardgate.router.session;

import java.util.Collection;

/**
 * Graceful shutdown of a router's client sessions, as PgBouncer's SHUTDOWN WAIT_FOR_CLIENTS: once
 * {@link #begin begun}, each session ends with FATAL 57P01 as soon as it is between transactions;
 * at the shutdown timeout {@link #terminate} ends the others too, whose backends then roll back.
 */
public final class SessionDrain {
    private volatile boolean draining;
    private volatile boolean terminating;

    public boolean isDraining() {
        return draining;
    }

    boolean isTerminating() {
        return terminating;
    }

    /** Sessions waiting between transactions are closed now, the others when their transaction ends. */
    public void begin(Collection<ClientSession> sessions) {
        draining = true;
        sessions.forEach(session -> session.idleWait.claimIfWaiting(session, false));
    }

    /**
     * The timeout: sessions waiting on their client in a transaction are closed now; one running a
     * statement has it cancelled and is closed when the answer is relayed.
     */
    public void terminate(Collection<ClientSession> sessions) {
        terminating = true;
        sessions.forEach(session -> {
            if (!session.idleWait.claimIfWaiting(session, true)) {
                session.cancelRunningQuery();
            }
        });
    }
}
