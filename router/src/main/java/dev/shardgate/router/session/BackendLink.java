package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyFail;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.FunctionCall;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.Sync;

import java.util.ArrayDeque;
import java.util.List;

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
    enum Expect { PARSE_COMPLETE, BIND_COMPLETE, CLOSE_COMPLETE, PARAMETER_DESCRIPTION, READY_FOR_QUERY }

    /** @param keptParameters for PARAMETER_DESCRIPTION: how many parameters the client is told of */
    record Pending(Expect expect, boolean forward, String preparedName, int keptParameters) {
        Pending(Expect expect, boolean forward, String preparedName) {
            this(expect, forward, preparedName, -1);
        }
    }

    final BackendConnection backend;
    final BackendPool pool;
    final ArrayDeque<Pending> pending = new ArrayDeque<>(2); // one link per transaction: start small
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
    /**
     * The backend is in COPY FROM STDIN (it sent CopyInResponse, no ReadyForQuery yet): it ignores
     * Sync there, so a client that leaves mid-COPY must be answered with a CopyFail for the backend.
     */
    volatile boolean copyingIn;
    /** The backend's ReadyForQuery count when query_timeout last cancelled its query: one cancel per query. */
    long cancelledAtReady = -1;
    /** Transaction status from the last ReadyForQuery. */
    byte transactionStatus = 'I';
    /** The client's unnamed statement definition as last parsed on this backend, or null. */
    PreparedStatements.Definition unnamed;

    BackendLink(BackendConnection backend, BackendPool pool) {
        this.backend = backend;
        this.pool = pool;
    }

    /**
     * A deferred BEGIN to send in front of the next message (see ClientSession.replayDeferred); the
     * transaction has started as far as the session is concerned, so the backend is not quiet.
     */
    String replay;
    /**
     * Queries the router sent in front of client messages whose ReadyForQuery has not come back: the
     * relay swallows their answers. Written under the lock, read by the relay per message.
     */
    volatile int routerQueriesInFlight;

    boolean isQuiet() {
        return syncsInFlight == 0 && !unsynced && replay == null;
    }

    /** Under the lock: a Query of the router's own goes out; its answers, up to its ReadyForQuery, are not the client's. */
    static void expectRouterReady(BackendLink l) {
        l.syncsInFlight++;
        l.routerQueriesInFlight++;
        l.pending.add(new Pending(Expect.READY_FOR_QUERY, false, null));
    }

    /** Under the lock: undoes {@link #expectRouterReady} when the query was not sent after all. */
    static void forgetRouterReady(BackendLink l) {
        l.syncsInFlight--;
        l.routerQueriesInFlight--;
        l.pending.removeLast();
    }

    /** Under the lock: what goes to the backend for this message, and which answers to expect. */
    void register(FrontendMessage message, PreparedStatements statements, List<FrontendMessage> outgoing) {
        switch (message) {
            case Query q -> expectReady(this, q, outgoing);
            case Sync s -> {
                unsynced = false;
                expectReady(this, s, outgoing);
            }
            case FunctionCall f -> expectReady(this, f, outgoing);
            case Parse p when p.sql() == null -> {
                // only after the segment failed (the server ignores it up to Sync): nothing to define
                unsynced = true;
                outgoing.add(p);
                pending.add(new Pending(Expect.PARSE_COMPLETE, true, null));
            }
            case Parse p -> {
                unsynced = true;
                PreparedStatements.Definition definition = statements.define(p.statement(), p.text(), p.sql(), p.parameterTypes());
                String serverName = definition.serverName();
                if (serverName.isEmpty()) {
                    unnamed = definition;
                } else if (!backend.preparedStatements().add(serverName)) {
                    // Already prepared on this backend (by this or another client): re-prepare so the client
                    // still gets the server's own ParseComplete or error.
                    outgoing.add(new Close((byte) 'S', serverName));
                    pending.add(new Pending(Expect.CLOSE_COMPLETE, false, null));
                }
                outgoing.add(definition.parse(serverName));
                pending.add(new Pending(Expect.PARSE_COMPLETE, true, serverName));
            }
            case Bind b -> {
                unsynced = true;
                String serverName = prepareForUse(this, statements, b.statement(), outgoing);
                outgoing.add(serverName.equals(b.statement()) ? b
                        : new Bind(b.portal(), serverName, b.parameterFormats(), b.parameters(), b.resultFormats()));
            }
            case Describe d -> {
                unsynced = true;
                if (d.kind() == 'S') {
                    String serverName = prepareForUse(this, statements, d.name(), outgoing);
                    outgoing.add(serverName.equals(d.name()) ? d : new Describe((byte) 'S', serverName));
                    PreparedStatements.Definition described = statements.get(d.name());
                    if (described != null && described.autoIncrement() != null) {
                        // the client is told of its own parameters only, not of the auto-increment ones
                        pending.add(new Pending(Expect.PARAMETER_DESCRIPTION, true, null,
                                described.autoIncrement().clientParameterCount()));
                    }
                } else {
                    outgoing.add(d);
                }
            }
            case Close c -> {
                unsynced = true;
                if (c.kind() == 'S' && !c.name().isEmpty()) {
                    // The server-side statement may serve other clients: only the client's name goes away.
                    // Closing a name that does not exist still answers CloseComplete, as the client expects.
                    statements.remove(c.name());
                    outgoing.add(new Close((byte) 'S', "sg_closed"));
                } else {
                    outgoing.add(c);
                }
                pending.add(new Pending(Expect.CLOSE_COMPLETE, true, null));
            }
            case Execute e -> {
                unsynced = true;
                outgoing.add(e);
            }
            case Flush f -> {
                unsynced = true;
                outgoing.add(f);
            }
            case CopyData d -> outgoing.add(d);
            case CopyDone d -> outgoing.add(d);
            case CopyFail f -> outgoing.add(f);
            default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "unexpected message " + message.getClass().getSimpleName() + " after startup");
        }
    }

    static void expectReady(BackendLink l, FrontendMessage message, List<FrontendMessage> outgoing) {
        l.syncsInFlight++;
        l.pending.add(new Pending(Expect.READY_FOR_QUERY, true, null));
        outgoing.add(message);
    }

    /** Makes sure the client's statement exists on this backend; returns its server-side name. */
    private static String prepareForUse(BackendLink l, PreparedStatements statements, String clientName,
                                        List<FrontendMessage> outgoing) {
        PreparedStatements.Definition definition = statements.get(clientName);
        if (definition == null) {
            return clientName; // the server reports the missing statement with the client's own name
        }
        if (clientName.isEmpty()) {
            if (l.unnamed != definition) {
                outgoing.add(definition.parse(""));
                l.pending.add(new Pending(Expect.PARSE_COMPLETE, false, null));
                l.unnamed = definition;
            }
            return "";
        }
        String serverName = definition.serverName();
        if (l.backend.preparedStatements().add(serverName)) {
            outgoing.add(definition.parse(serverName));
            l.pending.add(new Pending(Expect.PARSE_COMPLETE, false, serverName));
        }
        return serverName;
    }

}
