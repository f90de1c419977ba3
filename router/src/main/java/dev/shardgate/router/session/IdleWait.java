package dev.shardgate.router.session;

import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a session waits for its client's next message, and a graceful shutdown's (or KILL
 * CLIENT's) claim on it.
 * A session waiting between transactions is closed by the drain itself, since it would otherwise
 * wait for its client for ever; one that runs a statement is closed by its own loop once the
 * transaction ended. Whoever claims the session first tells the client: the other does nothing.
 */
final class IdleWait {
    private static final Logger log = LoggerFactory.getLogger(IdleWait.class);
    private static final int BUSY = 0;
    private static final int BETWEEN_TRANSACTIONS = 1;
    private static final int IN_TRANSACTION = 2;
    private static final int CLAIMED = 3;

    private final AtomicInteger state = new AtomicInteger(BUSY);
    private final CountDownLatch told = new CountDownLatch(1);

    /**
     * Called by the session before it reads the next message: true when it must end now because the
     * router shuts down (the client has been told, with 57P01).
     */
    boolean endsBeforeNext(ClientSession session, SessionDrain drain) {
        int waiting = isBetweenTransactions(session) ? BETWEEN_TRANSACTIONS : isQuiet(session) ? IN_TRANSACTION : BUSY;
        state.set(waiting);
        // set before the drain is read: a drain that starts now either sees this wait or is seen here
        if (waiting == BETWEEN_TRANSACTIONS && drain.isDraining() || waiting != BUSY && (drain.isTerminating() || session.killed)) {
            if (!claim(session, waiting)) {
                awaitTold();
            }
            return true;
        }
        return false;
    }

    /** Called by the session after its read: false when the drain claimed it meanwhile (and told the client). */
    boolean continuesAfterRead() {
        int now = state.get();
        if (now != CLAIMED && state.compareAndSet(now, BUSY)) {
            return true;
        }
        awaitTold();
        return false;
    }

    /**
     * The drain's side: tells and closes the session if it waits on its client, between transactions
     * (or, at the shutdown timeout, in one too). False when it was busy and will end on its own.
     */
    boolean claimIfWaiting(ClientSession session, boolean inTransactionToo) {
        return claim(session, BETWEEN_TRANSACTIONS) || inTransactionToo && claim(session, IN_TRANSACTION);
    }

    private boolean claim(ClientSession session, int expected) {
        if (!state.compareAndSet(expected, CLAIMED)) {
            return false;
        }
        try {
            log.info("event=client_shutdown client={} in_transaction={}", session.processId(), expected == IN_TRANSACTION);
            session.out.write(ErrorResponse.fatal(new PgException(SqlState.ADMIN_SHUTDOWN,
                    "terminating connection due to administrator command")));
            session.out.flush();
        } catch (IOException | RuntimeException ignored) {
            // the client may already be gone
        } finally {
            session.closeSocket(); // wakes the session's read; its own ending gives its backend back
            told.countDown();
        }
        return true;
    }

    private void awaitTold() {
        try {
            told.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** No transaction open, no extended-protocol segment half sent: the client may leave without loss. */
    private static boolean isBetweenTransactions(ClientSession session) {
        return !session.inTransactionBlock() && session.held.isEmpty() && session.multiShardSegment == null
                && session.midSegmentLink() == null;
    }

    /** Nothing runs on the session's backend: its answers are all relayed, so another thread may write to the client. */
    private static boolean isQuiet(ClientSession session) {
        session.lock.lock();
        try {
            BackendLink l = session.link;
            return session.held.isEmpty() && session.multiShardSegment == null
                    && (l == null || l.isQuiet() && !l.relaying && !l.writing && !l.unsynced);
        } finally {
            session.lock.unlock();
        }
    }
}
