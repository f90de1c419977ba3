package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.pool.BackendPool;

import java.util.ArrayDeque;

/**
 * A backend connection while a client session holds it, with what is in flight on it. The session's
 * thread writes client messages to the backend; the relay thread reads the backend's answers and
 * forwards them. Both change this object only under the session's lock.
 *
 * <p>Responses come back in the order messages were sent, so a queue of the messages whose answers
 * the router must recognise is enough to drop the answers to messages the router added itself (a
 * Parse re-preparing a statement on this backend, a Close before a re-Parse).
 */
final class BackendLink {
    enum Expect { PARSE_COMPLETE, BIND_COMPLETE, CLOSE_COMPLETE, READY_FOR_QUERY }

    record Pending(Expect expect, boolean forward, String preparedName) {
    }

    final BackendConnection backend;
    final BackendPool pool;
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Query, Sync or FunctionCall sent whose ReadyForQuery has not come back. */
    int syncsInFlight;
    /** Extended-protocol messages sent since the last Sync: the backend owes answers we cannot count yet. */
    boolean unsynced;
    /**
     * The session thread is writing to this backend. The backend may answer before the write call
     * returns, so the relay must not give it back to the pool meanwhile: the session thread does that
     * when it finishes writing.
     */
    boolean writing;
    /** The relay thread is reading this backend. */
    boolean relaying;
    /** Transaction status from the last ReadyForQuery. */
    byte transactionStatus = 'I';
    /** The client's unnamed statement definition as last parsed on this backend, or null. */
    PreparedStatements.Definition unnamed;

    BackendLink(BackendConnection backend, BackendPool pool) {
        this.backend = backend;
        this.pool = pool;
    }

    boolean isQuiet() {
        return syncsInFlight == 0 && !unsynced;
    }
}
