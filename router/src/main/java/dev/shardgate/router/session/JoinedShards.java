package dev.shardgate.router.session;

import dev.shardgate.router.RouterContext;
import dev.shardgate.router.config.CommitStrategy;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.router.twophase.BestEffortCommit;
import dev.shardgate.router.twophase.Participant;
import dev.shardgate.router.twophase.Rollback;
import dev.shardgate.router.twophase.TwoPhaseCommit;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.BindComplete;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The shards a transaction block joined besides the one the session's backend is on. A statement
 * for another shard parks the session's backend here, with its transaction open, and takes the
 * other shard's (starting a transaction there as on the first shard, with the savepoints that exist);
 * COMMIT and ROLLBACK then end the transaction on all of them, COMMIT with two-phase commit when the
 * commit strategy says 2pc. SAVEPOINT, RELEASE and ROLLBACK TO run on all of them, and a failure on
 * one fails the transaction on every one, as on a single server. Used by the session's own thread only.
 */
final class JoinedShards {
    /** Open transactions on shards other than the session's current backend, by shard. */
    private final Map<String, BackendLink> parked = new LinkedHashMap<>();
    /** What started the transaction on its first shard (BEGIN with its modes, SET LOCAL …), replayed on the others. */
    private List<String> start;
    /** The backend {@link #start} was replayed on: it only holds for the transaction that backend began. */
    private BackendLink startedOn;
    /** The backend the transaction began on; in SESSION mode the session keeps it afterwards. */
    private BackendLink home;

    /** The session replays its deferred transaction start on a backend: the same starts the next shards. */
    void rememberStart(List<String> deferred, BackendLink on) {
        if (!parked.isEmpty()) {
            return; // a shard joining: the start is the first shard's
        }
        // savepoints are replayed from the session's Savepoints, which knows which of them still exist
        start = deferred.stream().filter(statement -> !isSavepointCommand(statement)).toList();
        startedOn = on;
    }

    /** In a deferred transaction start a ROLLBACK is a ROLLBACK TO: a plain one ended the start. */
    private static boolean isSavepointCommand(String statement) {
        String keyword = TransactionRouter.firstKeyword(statement);
        return keyword.equals("savepoint") || keyword.equals("release") || keyword.equals("rollback");
    }

    boolean isEmpty() {
        return parked.isEmpty();
    }

    /**
     * Makes {@code shard} the session's backend inside the transaction open on {@code current}: a
     * parked one, or a new one joining the transaction.
     *
     * @throws PgException 25P02 when the transaction already failed on the current shard
     */
    BackendLink join(ClientSession session, BackendLink current, String shard) throws IOException {
        if (current.transactionStatus == 'E') {
            throw failedTransaction();
        }
        requireNotFailed();
        if (parked.isEmpty()) {
            home = current;
        }
        setLink(session, current, null);
        parked.put(current.pool.key().shard(), current);
        BackendLink back = parked.remove(shard);
        if (back != null) {
            setLink(session, null, back);
            return back;
        }
        session.deferred.clear();
        // a transaction the client began without the router deferring it started with a plain BEGIN, as far as we know
        session.deferred.addAll(start == null || startedOn != home ? List.of("BEGIN") : start);
        session.deferred.addAll(session.savepoints.replay());
        try {
            return session.startTransaction(shard);
        } catch (IOException | RuntimeException e) {
            // the shard cannot join: the transaction fails, as it would on a server
            session.deferred.clear();
            BackendLink taken = session.currentLink();
            if (taken != null) {
                setLink(session, taken, null);
                taken.pool.discard(taken.backend);
            }
            parked.remove(current.pool.key().shard());
            setLink(session, null, current);
            TransactionQueries.abort(session, current);
            throw e;
        }
    }

    /** 25P02 when the transaction failed on a parked shard: PostgreSQL refuses everything until its end. */
    void requireNotFailed() {
        for (BackendLink l : parked.values()) {
            if (l.transactionStatus != 'T') {
                throw failedTransaction();
            }
        }
    }

    static PgException failedTransaction() {
        return new PgException(SqlState.IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block");
    }

    /**
     * Before a simple-protocol statement of a transaction on several shards: see {@link #beforeStatement}.
     * COMMIT and ROLLBACK end the transaction on all shards; SAVEPOINT, RELEASE and ROLLBACK TO run
     * on all of them; either is answered here. True when answered.
     */
    boolean answerIfJoined(ClientSession session, Analysis analysis) throws IOException {
        Statement control = beforeStatement(session, analysis);
        if (control == null) {
            return false;
        }
        if (isEnd(control)) {
            String tag = finish(session, control.kind() == StatementKind.COMMIT);
            session.metrics.answered(dev.shardgate.router.metrics.RouteKind.MULTI_SHARD, session.idleStatus());
            session.out.write(new CommandComplete(tag));
            session.out.write(new ReadyForQuery(session.idleStatus()));
            session.out.flush();
            return true;
        }
        session.savepoints.answer(session, everyLink(session, control), control, analysis, null);
        return true;
    }

    /**
     * Before an extended-protocol statement, at its Bind: see {@link #beforeStatement}. A COMMIT or
     * ROLLBACK ends the transaction on all shards as for a simple query, then an empty transaction
     * starts for the client's own statement to end, so that the client gets the server's usual
     * answers (a COMMIT of a failed transaction the router answers itself, see
     * {@link #answerFailedCommit}). SAVEPOINT, RELEASE and ROLLBACK TO run on every shard of the transaction, even on one
     * shard only while no other joined yet: pgjdbc's autosave sends them in the segment of the next
     * statement, which may name another shard. The router answers their Parse and Bind, and their
     * Describe and Execute after (see LocalExtended). True when answered.
     */
    boolean beforeExtended(ClientSession session, Bind bind, Analysis analysis) throws IOException {
        Statement control = parked.isEmpty() ? Savepoints.firstInSegment(session, analysis) : beforeStatement(session, analysis);
        if (control == null) {
            return false;
        }
        if (isEnd(control)) {
            boolean commit = control.kind() == StatementKind.COMMIT;
            if (finish(session, commit).equals("ROLLBACK") && commit) {
                answerFailedCommit(session, bind);
                return true;
            }
            session.deferred.add("BEGIN");
            return false;
        }
        if (session.held.stream().anyMatch(m -> !(m instanceof Parse))) {
            throw refused(control.kind() + " after other statements in the same extended-protocol segment");
        }
        session.savepoints.answer(session, everyLink(session, control), control, analysis, bind);
        return true;
    }

    /**
     * PostgreSQL answers COMMIT of a failed transaction without error, with the tag ROLLBACK
     * (EndTransactionBlock), which an empty transaction on a backend cannot reproduce: the transaction
     * is rolled back on every shard already, so the router answers the statement's Parse and Bind now,
     * its Describe (NoData) and Execute (ROLLBACK) when they come, and Sync as usual (idle).
     */
    private static void answerFailedCommit(ClientSession session, Bind bind) throws IOException {
        if (session.held.stream().anyMatch(m -> !(m instanceof Parse))) {
            // a statement of the failed transaction came first in the segment: a server fails it, and
            // skips the COMMIT with the rest of the segment
            throw failedTransaction();
        }
        for (int i = 0; i < session.held.size(); i++) {
            session.out.write(ParseComplete.INSTANCE);
        }
        session.held.clear();
        session.out.write(BindComplete.INSTANCE);
        session.localExtended.answered(bind.portal(), "ROLLBACK");
    }

    private static boolean isEnd(Statement control) {
        return control.kind() == StatementKind.COMMIT || control.kind() == StatementKind.ROLLBACK;
    }

    /**
     * What every statement of a transaction on several shards needs first: a failure on one shard
     * fails the transaction on all of them.
     *
     * @return the COMMIT, ROLLBACK, SAVEPOINT, RELEASE or ROLLBACK TO, or null
     */
    private Statement beforeStatement(ClientSession session, Analysis analysis) {
        if (parked.isEmpty() || analysis == null || !analysis.isParsed()) {
            return null;
        }
        spreadFailure(session);
        return transactionControl(analysis);
    }

    /** The parked backends and the session's own, quiet, for a savepoint statement the router runs on all. */
    private List<BackendLink> everyLink(ClientSession session, Statement savepoint) throws IOException {
        if (session.midSegmentLink() != null) {
            // the backend holds messages of an extended-protocol segment that only the client's Sync ends
            throw refused(savepoint.kind() + " after other statements in the same extended-protocol segment");
        }
        List<BackendLink> all = new ArrayList<>(parked.values());
        BackendLink current = session.currentLink();
        if (current != null) {
            session.waitQuiet(current);
            MultiShardInTransaction.startNow(session, current);
            all.add(current);
        }
        return all;
    }

    /**
     * When the transaction failed on one shard (a statement the relay forwarded failed there), makes
     * it fail on every joined shard: each then refuses what follows until ROLLBACK or ROLLBACK TO,
     * as one server would.
     */
    void spreadFailure(ClientSession session) {
        if (hasFailed(session)) {
            failEverywhere(session);
        }
    }

    /** Some shard of the transaction failed, as far as the router knows. */
    boolean hasFailed(ClientSession session) {
        for (BackendLink l : parked.values()) {
            if (l.transactionStatus != 'T') {
                return true;
            }
        }
        BackendLink current = session.currentLink();
        return current != null && TransactionQueries.quietStatus(session, current) == 'E';
    }

    /** Fails the transaction on every joined shard where it has not failed yet. */
    void failEverywhere(ClientSession session) {
        List<BackendLink> all = new ArrayList<>(parked.values());
        BackendLink current = session.currentLink();
        if (current != null && TransactionQueries.quietStatus(session, current) != 0) {
            all.add(current); // one still answering fails in its own time, or in band (see ClientSession)
        }
        for (BackendLink l : all) {
            if (l.transactionStatus == 'T') {
                TransactionQueries.abort(session, l);
            }
        }
    }

    /** The client left: the parked shards roll back and go back to their pools. */
    void abandon(ClientSession session) {
        List<BackendLink> others = new ArrayList<>(parked.values());
        parked.clear();
        start = null;
        startedOn = null;
        home = null;
        session.savepoints.clear();
        for (BackendLink l : others) {
            Relay.finish(session, l);
        }
    }

    /** Ends the transaction on every shard; returns the command tag the client gets. */
    private String finish(ClientSession session, boolean commit) {
        BackendLink current = session.currentLink();
        if (current != null) {
            session.waitQuiet(current);
        }
        List<BackendLink> all = new ArrayList<>(parked.values());
        if (current != null && session.currentLink() == current) {
            setLink(session, current, null);
            all.add(current);
        }
        parked.clear();
        start = null;
        startedOn = null;
        session.savepoints.clear();
        boolean failed = all.stream().anyMatch(l -> l.transactionStatus != 'T');
        List<Participant> participants = participants(all);
        BackendLink keep = session.rule.poolMode() == PoolMode.SESSION ? home : null;
        home = null;
        try {
            if (!commit || failed) {
                Rollback.all(participants);
                return "ROLLBACK";
            }
            try {
                if (strategy(session) == CommitStrategy.TWO_PHASE) {
                    RouterContext context = session.context();
                    new TwoPhaseCommit(context.transactionIds(), context.commitDecisions(), context.metrics())
                            .commit(participants, session.takeNextTwoPhaseGid());
                } else {
                    BestEffortCommit.commit(participants);
                }
            } catch (PgException e) {
                session.transactionSettings.commitFailed(session);
                throw e;
            }
            return "COMMIT";
        } finally {
            giveBack(session, all, keep);
        }
    }

    private static void giveBack(ClientSession session, List<BackendLink> links, BackendLink keep) {
        for (BackendLink l : links) {
            boolean idle = !l.backend.isBroken() && l.backend.transactionState().equals("idle");
            l.transactionStatus = idle ? (byte) 'I' : (byte) 'E';
            if (l == keep && idle) {
                setLink(session, null, l);
            } else if (idle) {
                Relay.release(session, l);
            } else {
                Relay.finish(session, l);
            }
        }
    }

    private static List<Participant> participants(List<BackendLink> links) {
        return links.stream().map(l -> new Participant(l.pool.key().shard(), l.backend)).toList();
    }

    static CommitStrategy strategy(ClientSession session) {
        return session.router.hints.get(RoutingHints.COMMIT_STRATEGY).map(RoutingHints::parseCommitStrategy)
                .orElse(session.context().config().commitStrategy());
    }

    /**
     * The COMMIT, ROLLBACK, SAVEPOINT, RELEASE or ROLLBACK TO, or null; 0A000 for what cannot run
     * correctly in a transaction on several shards.
     */
    private static Statement transactionControl(Analysis analysis) {
        List<Statement> statements = analysis.statements();
        Statement control = null;
        for (Statement statement : statements) {
            switch (statement.kind()) {
                case COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO -> control = statement;
                case PREPARE_TRANSACTION -> throw refused("PREPARE TRANSACTION");
                default -> { }
            }
        }
        if (control == null) {
            return null;
        }
        boolean ends = control.kind() == StatementKind.COMMIT || control.kind() == StatementKind.ROLLBACK;
        if (statements.size() != 1) {
            throw refused((ends ? "COMMIT or ROLLBACK" : "SAVEPOINT, RELEASE or ROLLBACK TO")
                    + " together with other statements in one query string");
        }
        if (ends && control.text().toLowerCase(Locale.ROOT).contains("chain")) {
            throw refused("AND CHAIN");
        }
        return control;
    }

    private static PgException refused(String what) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, what + " in a transaction on several shards is not supported");
    }

    /** Under the session's lock: the session's backend becomes {@code to} if it still is {@code from}. */
    private static void setLink(ClientSession session, BackendLink from, BackendLink to) {
        session.lock.lock();
        try {
            if (session.link == from) {
                session.link = to;
            }
            session.quiet.signalAll();
        } finally {
            session.lock.unlock();
        }
    }
}
