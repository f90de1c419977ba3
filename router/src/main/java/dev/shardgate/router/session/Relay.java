package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.backend.QueryCancel;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.session.BackendLink.Expect;
import dev.shardgate.router.session.BackendLink.Pending;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterDescription;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * Forwards a backend's answers to the client, byte for byte except for the few messages the router
 * must see: ParseComplete/CloseComplete it asked for itself, ParameterStatus, and ReadyForQuery, at
 * which the backend may go back to its pool.
 */
final class Relay {
    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private Relay() {
    }

    /**
     * Relays until nothing is in flight on the backend.
     *
     * @param onSessionThread the session's own thread relays: at COPY FROM STDIN (or COPY BOTH) the
     *     client's data must be read, so a relay thread takes over
     */
    static void run(ClientSession session, BackendLink link, boolean onSessionThread) {
        BackendConnection backend = link.backend;
        PgReader from = backend.reader();
        PgWriter to = session.out;
        try {
            while (true) {
                int type;
                try {
                    type = from.next();
                } catch (SocketTimeoutException e) {
                    silent(session, link);
                    continue;
                }
                if (type < 0) {
                    throw new EOFException("server closed the connection");
                }
                if (link.routerQueriesInFlight > 0 && type != 'S') {
                    // answers to a query the router sent in front of the client's (a deferred BEGIN)
                    if (type == 'E') {
                        throw new EOFException("the server refused the transaction start the router replayed");
                    }
                    if (type == 'Z') {
                        byte status = from.payloadByte(0);
                        backend.readyForQuery(status);
                        if (readyForQuery(session, link, status)) {
                            return;
                        }
                    }
                    continue;
                }
                switch (type) {
                    case '1' -> {
                        if (answered(session, link, Expect.PARSE_COMPLETE)) {
                            forward(session, from, to);
                        }
                    }
                    case '3' -> {
                        if (answered(session, link, Expect.CLOSE_COMPLETE)) {
                            forward(session, from, to);
                        }
                    }
                    case '2' -> {
                        if (answered(session, link, Expect.BIND_COMPLETE)) {
                            forward(session, from, to);
                        }
                    }
                    case 't' -> {
                        int kept = parametersKept(session, link);
                        if (kept < 0) {
                            forward(session, from, to);
                        } else if (!session.clientGone) {
                            int[] types = ((ParameterDescription) from.backend()).typeOids();
                            to.write(new ParameterDescription(java.util.Arrays.copyOf(types, Math.min(kept, types.length))));
                        }
                    }
                    case 'S' -> {
                        ParameterStatus status = (ParameterStatus) from.backend();
                        backend.reported().put(status.name(), status.value());
                        String shown = status.value();
                        if (SessionSettings.isSettable(status.name())) {
                            backend.applied().put(status.name().toLowerCase(Locale.ROOT), status.value());
                            shown = session.settings.reportedByServer(status.name(), status.value());
                        }
                        if (shown.equals(status.value())) {
                            forward(session, from, to);
                        } else if (!session.clientGone) {
                            to.write(new ParameterStatus(status.name(), shown));
                        }
                    }
                    case 'C' -> {
                        if (from.length() > 0 && from.payloadByte(0) == 'D') {
                            noticeDiscard(session, backend, ((CommandComplete) from.backend()).tag());
                        }
                        forward(session, from, to);
                    }
                    case 'Z' -> {
                        if (link.copyingIn) {
                            link.copyingIn = false; // a volatile store only after a COPY, not per transaction
                        }
                        byte status = from.payloadByte(0);
                        backend.readyForQuery(status);
                        session.metrics.ready(link.pool, status);
                        forward(session, from, to);
                        if (!session.clientGone) {
                            to.flush();
                        }
                        if (readyForQuery(session, link, status)) {
                            return;
                        }
                        continue;
                    }
                    case 'E' -> {
                        session.metrics.error(((ErrorResponse) from.backend()).code(), true);
                        forward(session, from, to);
                    }
                    case 'G', 'W' -> {
                        link.copyingIn = true;
                        forward(session, from, to);
                        if (onSessionThread) {
                            if (!session.clientGone) {
                                to.flush();
                            }
                            session.startRelayThread(link);
                            return;
                        }
                    }
                    default -> forward(session, from, to);
                }
                if (!from.hasBufferedMessage() && !session.clientGone) {
                    to.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            lost(session, link, e);
        }
    }

    /**
     * query_timeout passed without a message from the shard: cancel the query once (the watch then
     * closes the backend if the shard does not end it either); a COPY FROM STDIN waits for the client,
     * not the shard, and is left alone.
     */
    private static void silent(ClientSession session, BackendLink link) {
        BackendConnection backend = link.backend;
        if (link.copyingIn || link.cancelledAtReady == backend.readyCount()) {
            return;
        }
        link.cancelledAtReady = backend.readyCount();
        log.warn("event=query_timeout client={} {} host={}:{} query_timeout_ms={}", session.processId(), link.pool.key(),
                backend.address().host(), backend.address().port(), backend.queryTimeoutMillis());
        QueryCancel.cancel(backend, "query_timeout (" + backend.queryTimeoutMillis() + " ms without an answer)",
                () -> session.isRelaying(link));
    }

    private static void forward(ClientSession session, PgReader from, PgWriter to) throws IOException {
        session.metrics.sent(from.length());
        if (!session.clientGone) {
            from.copyCurrentTo(to);
        }
    }

    /** Pops the answer's entry; false when the router sent that message itself and swallows the answer. */
    private static boolean answered(ClientSession session, BackendLink link, Expect expect) {
        session.lock.lock();
        try {
            Pending head = link.pending.peekFirst();
            if (head == null || head.expect() != expect) {
                return true; // not one of ours to track (cannot happen with a well-behaved server)
            }
            link.pending.pollFirst();
            if (expect == Expect.PARSE_COMPLETE && head.preparedName() != null) {
                session.statements.accepted(head.preparedName());
            }
            return head.forward();
        } finally {
            session.lock.unlock();
        }
    }

    /** For a ParameterDescription: how many parameters the client is told of, or -1 for all of them. */
    private static int parametersKept(ClientSession session, BackendLink link) {
        session.lock.lock();
        try {
            Pending head = link.pending.peekFirst();
            if (head == null || head.expect() != Expect.PARAMETER_DESCRIPTION) {
                return -1;
            }
            link.pending.pollFirst();
            return head.keptParameters();
        } finally {
            session.lock.unlock();
        }
    }

    /**
     * At ReadyForQuery: forget answers skipped after an error, and stop relaying when nothing is in
     * flight; in TRANSACTION mode an idle backend then goes back to its pool.
     *
     * @return true when the relay ends
     */
    private static boolean readyForQuery(ClientSession session, BackendLink link, byte status) {
        boolean release;
        boolean finish;
        session.lock.lock();
        try {
            while (!link.pending.isEmpty()) {
                Pending p = link.pending.pollFirst();
                if (p.expect() == Expect.READY_FOR_QUERY) {
                    if (!p.forward()) {
                        link.routerQueriesInFlight--;
                    }
                    break;
                }
                if (p.expect() == Expect.PARSE_COMPLETE && p.preparedName() != null && !p.preparedName().isEmpty()) {
                    link.backend.preparedStatements().remove(p.preparedName()); // skipped after an error
                }
            }
            link.syncsInFlight--;
            link.transactionStatus = status;
            if (!link.isQuiet()) {
                return false;
            }
            link.relaying = false;
            session.quiet.signalAll();
            finish = session.clientGone && !link.writing;
            release = !session.clientGone && session.isReleasable(link);
            if (finish || release) {
                session.link = null;
            }
        } finally {
            session.lock.unlock();
        }
        if (release) {
            release(session, link);
        } else if (finish) {
            finish(session, link);
        }
        return true;
    }

    private static void noticeDiscard(ClientSession session, BackendConnection backend, String tag) {
        if (tag.equals("DISCARD ALL") || tag.equals("DEALLOCATE ALL")) {
            backend.discarded();
            session.statementsDiscarded();
        }
    }

    /** Gives an idle backend back to its pool, after DISCARD ALL when the backend rule asks for it. */
    static void release(ClientSession session, BackendLink link) {
        BackendConnection backend = link.backend;
        BackendRule rule = link.pool.rule();
        try {
            if (rule.poolDiscard()) {
                BackendQueries.execute(backend, "DISCARD ALL");
                backend.discarded();
            }
            link.pool.release(backend);
        } catch (IOException | RuntimeException e) {
            log.warn("event=backend_reset_failed {} error=\"{}\"", link.pool.key(), e.toString());
            link.pool.discard(backend);
        }
    }

    /**
     * A borrowed backend goes back to its pool when it ended idle and the work went well
     * ({@code clean}); otherwise it is closed, since its state is unknown.
     */
    static void giveBack(ClientSession session, BackendLink link, boolean clean) {
        if (clean && !link.backend.isBroken() && "idle".equals(link.backend.transactionState())) {
            release(session, link);
        } else {
            link.pool.discard(link.backend);
        }
    }

    /** The client is gone: roll back what it left open (pool_rollback), or close the backend. */
    static void finish(ClientSession session, BackendLink link) {
        BackendConnection backend = link.backend;
        if (link.transactionStatus != 'I') {
            if (!link.pool.rule().poolRollback()) {
                link.pool.discard(backend);
                return;
            }
            try {
                if (BackendQueries.execute(backend, "ROLLBACK") != 'I') {
                    link.pool.discard(backend);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                link.pool.discard(backend);
                return;
            }
        }
        release(session, link);
    }

    /** The backend connection broke (or the client's did while we wrote to it). */
    private static void lost(ClientSession session, BackendLink link, Exception e) {
        link.backend.markBroken();
        session.lock.lock();
        try {
            link.relaying = false;
            if (session.link == link) {
                session.link = null;
            }
            session.quiet.signalAll();
        } finally {
            session.lock.unlock();
        }
        link.pool.lost(link.backend);
        if (session.clientGone) {
            return;
        }
        BackendConnection backend = link.backend;
        log.warn("event=backend_lost client={} {} host={}:{} error=\"{}\"", session.processId(), link.pool.key(),
                backend.address().host(), backend.address().port(), e.toString());
        try {
            PgException error = backend.lost(e);
            session.out.write(ErrorResponse.fatal(error));
            session.out.flush();
        } catch (IOException | RuntimeException ignored) {
            // the client connection may be the one that failed
        }
        session.closeSocket();
    }
}
