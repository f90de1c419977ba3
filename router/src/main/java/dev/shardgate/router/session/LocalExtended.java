package dev.shardgate.router.session;

import dev.shardgate.wire.Bind;
import dev.shardgate.wire.BindComplete;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CloseComplete;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.NoData;
import dev.shardgate.wire.ParameterDescription;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.RowDescription;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Router-answered statements (SPQR hint commands, EXPLAIN ROUTE) sent with the extended protocol, as
 * pgjdbc does: Parse, Bind, Describe, Execute and Close are answered here, in order, while nothing
 * else is in flight; Sync then gets its ReadyForQuery as usual.
 */
final class LocalExtended {
    /** Client statement name → SQL, for statements answered by the router. */
    private final Map<String, String> statements = new HashMap<>();
    /** Client portal name → SQL. */
    private final Map<String, String> portals = new HashMap<>();
    /** Portals of statements the router already ran (savepoints on several shards) → their command tag. */
    private final Map<String, String> ran = new HashMap<>();

    /** Multi-shard portals an Execute with a row limit suspended, with the rows still to send. */
    private final Map<String, dev.shardgate.router.scatter.SuspendedPortal> suspended = new HashMap<>();

    /** A multi-shard portal was suspended at its Execute's row limit: the next Execute of it goes on here. */
    void suspend(String portal, dev.shardgate.router.scatter.SuspendedPortal rest) {
        suspended.put(portal, rest);
    }

    /**
     * An Execute of a suspended multi-shard portal sends its next rows; false for any other portal.
     * Portals live until their transaction ends: outside a transaction block, until the Sync after
     * them (the backend then reports a later Execute's unknown portal, as a server would).
     */
    static boolean resume(ClientSession session, Execute execute) throws IOException {
        LocalExtended local = session.localExtended;
        dev.shardgate.router.scatter.SuspendedPortal portal = local.suspended.get(execute.portal());
        if (portal == null) {
            return false;
        }
        if (portal.resume(session.clientWriterWhenQuiet(), execute.maxRows())) {
            local.suspended.remove(execute.portal());
        }
        return true;
    }

    /** A Sync: outside a transaction block it ends the implicit transaction, and its portals with it. */
    void synced(ClientSession session) {
        if (!suspended.isEmpty() && !session.inTransactionBlock()) {
            suspended.clear();
        }
    }

    /** Close of a portal: a suspended multi-shard one is gone. */
    void closePortal(String portal) {
        suspended.remove(portal);
    }

    /** The transaction block ended: its portals are gone. */
    void transactionEnded() {
        suspended.clear();
    }

    /** The router ran the statement of the portal at its Bind: Describe and Execute get its answers. */
    void answered(String portal, String tag) {
        ran.put(portal, tag);
    }

    /** True when the router answered the message itself. */
    static boolean answer(ClientSession session, FrontendMessage message) throws IOException {
        LocalExtended local = session.localExtended;
        return switch (message) {
            case Parse parse -> {
                if (LocalCommands.isLocal(session, parse.sql()) && !session.held.isEmpty() && session.betweenTransactions()) {
                    // pgjdbc with autocommit off sends its BEGIN in the segment of the first statement,
                    // here a hint: the BEGIN is answered and deferred first, in order
                    LocalCommands.answerHeld(session, false);
                }
                if (!LocalCommands.isLocal(session, parse.sql()) || !session.canAnswerLocally()) {
                    local.statements.remove(parse.statement());
                    yield false;
                }
                local.statements.put(parse.statement(), parse.sql());
                session.out.write(ParseComplete.INSTANCE);
                yield true;
            }
            case Bind bind -> {
                local.ran.remove(bind.portal()); // the portal is bound anew
                local.suspended.remove(bind.portal());
                String sql = local.statements.get(bind.statement());
                if (sql == null || !session.canAnswerLocally()) {
                    yield false;
                }
                local.portals.put(bind.portal(), sql);
                session.out.write(BindComplete.INSTANCE);
                yield true;
            }
            case Describe describe when describe.kind() == 'P' && local.ran.containsKey(describe.name()) -> {
                session.out.write(NoData.INSTANCE);
                yield true;
            }
            case Execute execute when local.suspended.containsKey(execute.portal()) -> resume(session, execute);
            case dev.shardgate.wire.Sync sync -> {
                local.synced(session);
                yield false; // answered as usual
            }
            case Execute execute when local.ran.containsKey(execute.portal()) -> {
                session.out.write(new dev.shardgate.wire.CommandComplete(local.ran.remove(execute.portal())));
                yield true;
            }
            case Describe describe -> {
                boolean ofStatement = describe.kind() == 'S';
                String sql = ofStatement ? local.statements.get(describe.name()) : local.portals.get(describe.name());
                if (sql == null) {
                    yield false;
                }
                if (ofStatement) {
                    session.out.write(new ParameterDescription(new int[0]));
                }
                writeDescription(session.out, LocalCommands.columnsOf(session, sql));
                yield true;
            }
            case Execute execute -> {
                String sql = local.portals.remove(execute.portal());
                if (sql == null) {
                    yield false;
                }
                LocalCommands.writeRows(session.out, LocalCommands.run(session, sql), session.settings.clientEncoding());
                yield true;
            }
            case Close close -> {
                boolean wasSuspended = false;
                if (close.kind() == 'P') {
                    local.ran.remove(close.name());
                    wasSuspended = local.suspended.remove(close.name()) != null;
                }
                Map<String, String> names = close.kind() == 'S' ? local.statements : local.portals;
                boolean wasLocal = names.remove(close.name()) != null || wasSuspended;
                if (!wasLocal && !session.canAnswerLocally()) {
                    yield false;
                }
                // Between transactions no backend holds the client's portals, and its statements are
                // the router's to forget (pgjdbc closes statements whose Parse failed): answer here
                // rather than hold the segment back for a backend.
                if (close.kind() == 'S') {
                    session.statements.remove(close.name());
                }
                session.out.write(CloseComplete.INSTANCE);
                yield true;
            }
            default -> false;
        };
    }

    private static void writeDescription(PgWriter out, List<String> columns) throws IOException {
        if (columns == null) {
            out.write(NoData.INSTANCE);
        } else {
            out.write(new RowDescription(columns.stream().map(RowDescription.Field::text).toList()));
        }
    }

    /** A message of the extended query protocol other than Sync. */
    static boolean isExtendedProtocol(dev.shardgate.wire.FrontendMessage message) {
        return message instanceof dev.shardgate.wire.Parse || message instanceof dev.shardgate.wire.Bind
                || message instanceof dev.shardgate.wire.Describe || message instanceof dev.shardgate.wire.Execute
                || message instanceof dev.shardgate.wire.Close || message instanceof dev.shardgate.wire.Flush;
    }
}
