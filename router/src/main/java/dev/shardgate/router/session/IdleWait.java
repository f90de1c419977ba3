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
    /** Waiting on the client while a relay thread still forwards the answers of what it sent before. */
    private static final int AWAITING_ANSWERS = 4;

    /** {@link #routingSince} of a session that waits on its client with nothing in flight. */
    static final long NOT_ROUTING = Long.MAX_VALUE;

    private final AtomicInteger state = new AtomicInteger(BUSY);
    /**
     * The metadata version the session read when it began what it runs now, kept until it is quiet
     * again (its answers all relayed): what it routes meanwhile may have been routed with that
     * version (see {@link RoutingFence}); {@link #NOT_ROUTING} while it waits on its client.
     */
    private volatile long routingSince = NOT_ROUTING;
    private final CountDownLatch told = new CountDownLatch(1);

    /**
     * Called by the session before it reads the next message: true when it must end now because the
     * router shuts down (the client has been told, with 57P01).
     */
    boolean endsBeforeNext(ClientSession session, SessionDrain drain) {
        int waiting = isBetweenTransactions(session) ? BETWEEN_TRANSACTIONS : isQuiet(session) ? IN_TRANSACTION : AWAITING_ANSWERS;
        state.set(waiting);
        if (waiting != AWAITING_ANSWERS) {
            routingSince = NOT_ROUTING; // every statement it routed has been answered
        }
        // set before the drain is read: a drain that starts now either sees this wait or is seen here
        if (waiting == BETWEEN_TRANSACTIONS && drain.isDraining()
                || waiting != AWAITING_ANSWERS && (drain.isTerminating() || session.killed)) {
            if (!claim(session, waiting)) {
                awaitTold();
            }
            return true;
        }
        return false;
    }

    /**
     * Called by the session after its read, with the metadata version it may route the message
     * with (read before any metadata it routes with): false when the drain claimed it meanwhile (and
     * told the client).
     */
    boolean continuesAfterRead(long metadataVersion) {
        int now = state.get();
        if (now != CLAIMED && state.compareAndSet(now, BUSY)) {
            if (routingSince == NOT_ROUTING) {
                routingSince = metadataVersion; // set before the message is routed: the fence sees it
            }
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

    /**
     * Whether what the session runs may have been routed with metadata older than {@code version}:
     * it began its current work with older metadata, and has not since come to wait on its client
     * with every answer relayed. Once it waits so, whatever it routes next is routed after this look,
     * with metadata at least as new as the caller's (it reads the metadata after it leaves the wait).
     */
    boolean routesWithOlderThan(long version, ClientSession session) {
        if (routingSince >= version) {
            return false;
        }
        return !(state.get() == AWAITING_ANSWERS && isQuiet(session));
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
