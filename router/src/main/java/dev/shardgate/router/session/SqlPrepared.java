package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.route.BoundValues;
import dev.shardgate.router.route.Route;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.PreparedCommand;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.Value;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SQL-level {@code PREPARE}, {@code EXECUTE} and {@code DEALLOCATE}, tracked per session as
 * protocol-level statements are. A backend knows only the statements prepared on it, and the next
 * EXECUTE may run on another shard or (transaction pooling) another backend; so:
 *
 * <ul>
 *   <li>PREPARE runs on the shard its own key names (else the transaction's, or the first), which
 *       checks it as PostgreSQL does, and is remembered;</li>
 *   <li>EXECUTE is routed by the prepared statement with the arguments as its parameters
 *       ({@code EXECUTE q(1010)} goes where {@code $1 = 1010} lives), prepared first on that backend
 *       when it does not hold it, then sent as it is;</li>
 *   <li>DEALLOCATE forgets the statement for this client (backends that hold it keep it: another
 *       PREPARE of the name replaces it there).</li>
 * </ul>
 *
 * An EXECUTE whose key is missing runs where a keyless statement runs (BLOCK refuses it, ALLOW sends
 * it to the default shard) but never on several shards: that is refused with 0A000.
 */
final class SqlPrepared {
    private SqlPrepared() {
    }

    /** Handles a one-statement PREPARE, EXECUTE or DEALLOCATE of a name; false when it goes the usual way. */
    static boolean runIfPrepared(ClientSession session, Query query, Analysis analysis) throws IOException {
        if (analysis == null || !analysis.isParsed() || analysis.statements().size() != 1) {
            return false;
        }
        StatementKind kind = analysis.statements().getFirst().kind();
        if (kind != StatementKind.PREPARE && kind != StatementKind.EXECUTE && kind != StatementKind.DEALLOCATE) {
            return false;
        }
        if (session.idleStatus() == 'E') {
            return false; // the backend refuses it as PostgreSQL does (25P02), and nothing is tracked
        }
        PreparedCommand command = session.context().analyzer().preparedCommand(query.sql());
        if (command == null || command.name() == null) {
            return false; // DEALLOCATE ALL: the backend runs it, and the relay forgets every statement
        }
        String name = command.name();
        PreparedStatements statements = session.statements;
        return switch (command.kind()) {
            case PREPARE -> {
                if (statements.sqlText(name) != null) {
                    throw new PgException(SqlState.DUPLICATE_PREPARED_STATEMENT, "prepared statement \"" + name + "\" already exists");
                }
                Route route = session.router.route(query.sql(), analysis, null);
                BackendLink link = preparedOn(session, route instanceof Route.OneShard one ? one.shard() : null, name, query.sql());
                releaseIfIdle(session, link);
                statements.sqlPrepared(name, query.sql());
                answer(session, "PREPARE");
                yield true;
            }
            case EXECUTE -> {
                String prepareText = statements.sqlText(name);
                if (prepareText == null) {
                    if (statements.wasSqlDeallocated(name)) {
                        throw new PgException(SqlState.INVALID_SQL_STATEMENT_NAME, "prepared statement \"" + name + "\" does not exist");
                    }
                    yield false; // not prepared by this client as far as the router saw: the backend answers
                }
                PreparedCommand prepare = session.context().analyzer().preparedCommand(prepareText);
                if (prepare != null && prepare.declaredParameters() > 0 && prepare.declaredParameters() != command.arguments().size()) {
                    // PostgreSQL's own error (42601, wrong number of parameters) comes from any backend that has it
                    session.send(query, preparedOn(session, null, name, prepareText).pool.key().shard());
                    yield true;
                }
                Route route = session.router.route(prepareText, session.router.analyze(prepareText), bound(command.arguments()));
                if (session.router.multiShardTargets(route) != null) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "EXECUTE of prepared statement \"" + name
                            + "\" would run on several shards: running a prepared statement on several shards is not supported")
                            .withDetail(route.reason())
                            .withHint("Pass the sharding key as a constant argument, or add a /*__spqr__sharding_key: <key>*/ hint to the PREPARE.");
                }
                BackendLink link = preparedOn(session, session.router.shardFor(route), name, prepareText);
                session.send(query, link.pool.key().shard());
                yield true;
            }
            case DEALLOCATE -> {
                if (statements.sqlText(name) == null) {
                    if (statements.wasSqlDeallocated(name)) {
                        throw new PgException(SqlState.INVALID_SQL_STATEMENT_NAME, "prepared statement \"" + name + "\" does not exist");
                    }
                    yield false; // the backend answers, 26000 when it does not know the name either
                }
                statements.sqlDeallocated(name);
                answer(session, "DEALLOCATE");
                yield true;
            }
        };
    }

    /** The arguments as text-format parameter values; an expression or NULL is a value the router does not know. */
    private static BoundValues bound(List<Value> arguments) {
        byte[][] values = new byte[arguments.size()][];
        for (int i = 0; i < values.length; i++) {
            if (arguments.get(i) instanceof Value.Literal literal && literal.text() != null) {
                values[i] = literal.text().getBytes(StandardCharsets.UTF_8);
            }
        }
        return new BoundValues(new int[0], new short[0], values);
    }

    /**
     * The session's backend of {@code shard} (null: the transaction's, or the first shard), idle, with
     * the statement prepared on it under the client's name and text.
     */
    private static BackendLink preparedOn(ClientSession session, String shard, String name, String prepareText)
            throws IOException {
        BackendLink link;
        while (true) {
            link = session.ensureShard(shard);
            boolean busy;
            session.lock.lock();
            try {
                busy = link.relaying || link.writing;
            } finally {
                session.lock.unlock();
            }
            if (!busy) {
                break;
            }
            // answers of the previous statement are still coming: wait for them (in transaction pooling
            // the backend may then go back to its pool, and the next round takes another)
            session.waitQuiet(link);
            if (session.currentLink() == link) {
                break;
            }
        }
        if (prepareText.equals(link.backend.sqlPreparedStatements().get(name))) {
            return link;
        }
        String replay;
        session.lock.lock();
        try {
            replay = link.replay; // a deferred BEGIN: the backend must be in the transaction before the answer
            link.replay = null;
        } finally {
            session.lock.unlock();
        }
        byte status = 'I';
        try {
            if (replay != null) {
                status = BackendQueries.execute(link.backend, replay, session.settings.clientEncoding());
            }
            if (link.backend.sqlPreparedStatements().remove(name) != null) {
                status = BackendQueries.execute(link.backend, "DEALLOCATE " + Identifiers.quoted(name),
                        session.settings.clientEncoding()); // another client's text
            }
            status = BackendQueries.execute(link.backend, prepareText, session.settings.clientEncoding());
            link.backend.sqlPreparedStatements().put(name, prepareText);
        } catch (IOException e) {
            session.dropLink(link);
            throw link.backend.lost(e);
        } catch (PgException e) {
            setStatus(session, link, link.backend.transactionState().equals("idle") ? (byte) 'I' : (byte) 'E');
            releaseIfIdle(session, link);
            throw e;
        }
        setStatus(session, link, status);
        return link;
    }

    private static void setStatus(ClientSession session, BackendLink link, byte status) {
        session.lock.lock();
        try {
            link.transactionStatus = status;
        } finally {
            session.lock.unlock();
        }
    }

    /** Under transaction pooling an idle backend goes back to its pool when nothing more is sent to it. */
    private static void releaseIfIdle(ClientSession session, BackendLink link) {
        boolean release;
        session.lock.lock();
        try {
            release = session.link == link && session.isReleasable(link) && !link.relaying;
            if (release) {
                session.link = null;
            }
        } finally {
            session.lock.unlock();
        }
        if (release) {
            Relay.release(session, link);
        }
    }

    private static void answer(ClientSession session, String tag) throws IOException {
        PgWriter out = session.clientWriterWhenQuiet();
        out.write(new CommandComplete(tag));
        session.metrics.answered(dev.shardgate.router.metrics.RouteKind.LOCAL, session.idleStatus());
        out.write(new ReadyForQuery(session.idleStatus()));
        out.flush();
    }

    /**
     * The 0A000 for a named PREPARE, EXECUTE or DEALLOCATE sent in a Parse message (pgjdbc sends every
     * Statement.execute so). The router tracks them only in simple Query messages: sent as they are
     * over the extended protocol, the statement would be prepared on one backend and executed on
     * whichever the next statement's route chose. DEALLOCATE ALL is tracked from its command tag.
     * Null when the statement is none of these.
     */
    static PgException refusalInParse(ClientSession session, String sql) {
        if (!mayBePreparedCommand(sql)) {
            return null;
        }
        PreparedCommand command = session.context().analyzer().preparedCommand(sql);
        if (command == null || command.name() == null) {
            return null;
        }
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "SQL-level " + command.kind() + " of \"" + command.name()
                + "\" over the extended protocol (Parse/Bind/Execute) is not supported")
                .withHint("Send it as a simple query (pgjdbc: preferQueryMode=simple), or use protocol-level prepared"
                        + " statements (PreparedStatement).");
    }

    /** A cheap test before parsing: every Parse passes here. */
    private static boolean mayBePreparedCommand(String sql) {
        for (int i = 0; i + 7 <= sql.length(); i++) {
            char c = sql.charAt(i);
            if ((c == 'p' || c == 'P' || c == 'e' || c == 'E' || c == 'd' || c == 'D')
                    && (sql.regionMatches(true, i, "prepare", 0, 7) || sql.regionMatches(true, i, "execute", 0, 7)
                    || sql.regionMatches(true, i, "dealloc", 0, 7))) {
                return true;
            }
        }
        return false;
    }
}
