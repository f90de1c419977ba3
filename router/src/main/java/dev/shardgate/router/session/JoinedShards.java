package dev.shardgate.router.session;

import dev.shardgate.router.RouterContext;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.scatter.MultiShardRun;
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
import dev.shardgate.wire.CommandComplete;
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
 * other shard's (starting a transaction there as on the first shard); COMMIT and ROLLBACK then end
 * the transaction on all of them, COMMIT with two-phase commit when the commit strategy says 2pc.
 * Used by the session's own thread only.
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
        start = List.copyOf(deferred);
        startedOn = on;
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
            session.abortBackendTransaction(current);
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

    private static PgException failedTransaction() {
        return new PgException(SqlState.IN_FAILED_SQL_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block");
    }

    /**
     * A simple-protocol statement over several shards inside a transaction block: each shard it needs
     * joins the transaction, and it runs there within the open transactions, answers merged as in
     * autocommit. False when it goes the one-shard way; statements every shard runs alike (DDL,
     * reference relations) are refused as before.
     */
    boolean runMultiShard(ClientSession session, String sql, Analysis analysis, Route route) throws IOException {
        if (session.router.multiShardTargets(route) == null || route instanceof Route.EveryShard) {
            return false;
        }
        MultiShardStatements.Plan plan = MultiShardStatements.plan(session, sql, analysis, route, null, true);
        if (plan == null || plan.replicated()) {
            return false;
        }
        Map<String, BackendLink> links = new LinkedHashMap<>();
        for (String shard : plan.sqlByShard().keySet()) {
            BackendLink l = session.ensureShard(shard);
            startNow(session, l);
            links.put(shard, l);
        }
        requireNotFailed();
        BackendLink current = session.currentLink();
        if (current != null && current.transactionStatus != 'T') {
            throw failedTransaction();
        }
        Map<String, BackendConnection> backends = new LinkedHashMap<>();
        links.forEach((shard, l) -> backends.put(shard, l.backend));
        session.multiShardBackends = List.copyOf(backends.values());
        try {
            new MultiShardRun(backends, session.out, false).run(plan.sqlByShard(), plan.select());
        } finally {
            session.multiShardBackends = null;
            boolean failed = false;
            session.lock.lock();
            try {
                for (BackendLink l : links.values()) {
                    boolean ok = !l.backend.isBroken() && l.backend.transactionState().equals("in transaction");
                    l.transactionStatus = ok ? (byte) 'T' : (byte) 'E';
                    failed |= !ok;
                }
            } finally {
                session.lock.unlock();
            }
            session.out.write(new ReadyForQuery(failed ? (byte) 'E' : (byte) 'T'));
            session.out.flush();
        }
        return true;
    }

    /** A BEGIN the session holds back for the next message goes out now: the statement bypasses the session's sending. */
    private static void startNow(ClientSession session, BackendLink l) throws IOException {
        String replay;
        session.lock.lock();
        try {
            replay = l.replay;
            l.replay = null;
        } finally {
            session.lock.unlock();
        }
        if (replay != null) {
            byte status = BackendQueries.execute(l.backend, replay);
            session.lock.lock();
            try {
                l.transactionStatus = status;
            } finally {
                session.lock.unlock();
            }
        }
    }

    /**
     * A simple-protocol COMMIT or ROLLBACK of a transaction on several shards: ends it on all and
     * answers the client. False when the statement is not for this (or no shard joined).
     */
    boolean endIfJoined(ClientSession session, Analysis analysis) throws IOException {
        if (parked.isEmpty() || analysis == null || !analysis.isParsed()) {
            return false;
        }
        Statement end = transactionEnd(analysis);
        if (end == null) {
            return false;
        }
        boolean commit = end.kind() == StatementKind.COMMIT;
        String tag = finish(session, commit);
        session.out.write(new CommandComplete(tag));
        session.out.write(new ReadyForQuery(session.idleStatus()));
        session.out.flush();
        return true;
    }

    /**
     * An extended-protocol COMMIT or ROLLBACK (its Parse is still held, so every backend is quiet):
     * the router ends the transaction on all shards as for a simple query, then starts an empty one
     * for the client's own statement to end, so that the client gets the server's usual answers.
     */
    void beforeExtended(ClientSession session, Analysis analysis) {
        if (parked.isEmpty() || analysis == null || !analysis.isParsed()) {
            return;
        }
        Statement end = transactionEnd(analysis);
        if (end == null) {
            return;
        }
        boolean commit = end.kind() == StatementKind.COMMIT;
        if (finish(session, commit).equals("ROLLBACK") && commit) {
            // a server answers COMMIT of a failed transaction with the tag ROLLBACK, which an empty
            // transaction cannot reproduce: the client learns it this way instead
            throw new PgException(SqlState.IN_FAILED_SQL_TRANSACTION,
                    "current transaction is aborted: it was rolled back on every shard instead of committed");
        }
        session.deferred.add("BEGIN");
    }

    /** The client left: the parked shards roll back and go back to their pools. */
    void abandon(ClientSession session) {
        List<BackendLink> others = new ArrayList<>(parked.values());
        parked.clear();
        start = null;
        startedOn = null;
        home = null;
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
        boolean failed = all.stream().anyMatch(l -> l.transactionStatus != 'T');
        List<Participant> participants = participants(all);
        BackendLink keep = session.rule.poolMode() == PoolMode.SESSION ? home : null;
        home = null;
        try {
            if (!commit || failed) {
                Rollback.all(participants);
                return "ROLLBACK";
            }
            if (strategy(session) == CommitStrategy.TWO_PHASE) {
                RouterContext context = session.context();
                new TwoPhaseCommit(context.transactionIds(), context.commitDecisions()).commit(participants);
            } else {
                BestEffortCommit.commit(participants);
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

    private static CommitStrategy strategy(ClientSession session) {
        return session.router.hints.get(RoutingHints.COMMIT_STRATEGY).map(RoutingHints::parseCommitStrategy)
                .orElse(session.context().config().commitStrategy());
    }

    /**
     * The COMMIT or ROLLBACK ending the transaction, or null; 0A000 for what cannot end a
     * transaction on several shards correctly.
     */
    private static Statement transactionEnd(Analysis analysis) {
        List<Statement> statements = analysis.statements();
        Statement end = null;
        for (Statement statement : statements) {
            switch (statement.kind()) {
                case COMMIT, ROLLBACK -> end = statement;
                case PREPARE_TRANSACTION -> throw refused("PREPARE TRANSACTION");
                case SAVEPOINT, RELEASE, ROLLBACK_TO -> throw refused("a savepoint");
                default -> { }
            }
        }
        if (end == null) {
            return null;
        }
        if (statements.size() != 1) {
            throw refused("COMMIT or ROLLBACK together with other statements in one query string");
        }
        if (end.text().toLowerCase(Locale.ROOT).contains("chain")) {
            throw refused("AND CHAIN");
        }
        return end;
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
