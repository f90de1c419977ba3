package dev.shardgate.router.session;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.router.metrics.RouteKind;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.router.route.BoundValues;
import dev.shardgate.router.route.Placements;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.router.scatter.BoundWindow;
import dev.shardgate.router.scatter.MovedRows;
import dev.shardgate.router.scatter.MultiShardRun;
import dev.shardgate.wire.Bind;
import dev.shardgate.router.scatter.ShardParameters;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * A simple-protocol statement that runs on several shards: a SELECT merged from all of them, an
 * UPDATE or DELETE on each, an INSERT whose rows are regrouped per shard, and statements every shard
 * runs alike. Inside a transaction block each shard runs its part within the client's transaction
 * (see MultiShardInTransaction); in autocommit a write runs in a transaction on each shard, committed
 * once all succeeded, by the session's commit strategy (see MultiShardRun).
 */
final class MultiShardStatements {
    private static final Logger log = LoggerFactory.getLogger(MultiShardStatements.class);

    private MultiShardStatements() {
    }

    /**
     * What each shard runs, and how answers merge.
     *
     * @param select the merge of a SELECT; null for writes
     * @param replicated every shard runs the same statement on its own copy (DDL, reference relation
     *     writes): one shard's answer stands for all, and they must agree
     * @param parametersByShard for a split INSERT in the extended protocol, each shard's statement with
     *     its own parameters renumbered (its rows' values only); empty when every shard takes the client's Bind
     * @param move a split update's rows moving to the shard that runs the UPDATE; null for the other plans
     * @param finishing a SELECT finished on one shard from the rows it pulls ({@code sqlByShard} is then
     *     that shard's statement); null for the other plans
     * @param fallback for a merged SELECT, which the types and collations the shards answer with may
     *     refuse (text ordered in a collation other than C, jsonb grouped, money summed), how it is
     *     finished on one shard instead; null otherwise
     */
    record Plan(Map<String, String> sqlByShard, MultiShardShape.Select select, boolean replicated,
                Map<String, ShardParameters> parametersByShard, Move move, FinishOnShard.Finishing finishing,
                FinishOnShard.Finishing fallback) {
        Plan(Map<String, String> sqlByShard, MultiShardShape.Select select, boolean replicated) {
            this(sqlByShard, select, replicated, Map.of(), null, null, null);
        }

        Plan(Map<String, String> sqlByShard, MultiShardShape.Select select, boolean replicated,
             Map<String, ShardParameters> parametersByShard) {
            this(sqlByShard, select, replicated, parametersByShard, null, null, null);
        }

        Plan(Map<String, String> sqlByShard, MultiShardShape.Select select, boolean replicated,
             Map<String, ShardParameters> parametersByShard, Move move) {
            this(sqlByShard, select, replicated, parametersByShard, move, null, null);
        }

        Plan(Map<String, String> sqlByShard, MultiShardShape.Select select, boolean replicated,
             Map<String, ShardParameters> parametersByShard, FinishOnShard.Finishing finishing,
             FinishOnShard.Finishing fallback) {
            this(sqlByShard, select, replicated, parametersByShard, null, finishing, fallback);
        }

        /** The plan that finishes a SELECT on one shard. */
        static Plan finishing(FinishOnShard.Finishing finishing) {
            return new Plan(Map.of(finishing.shard(), finishing.shape().finishSql()), finishing.passThrough(), false, Map.of(),
                    finishing, null);
        }

        /**
         * Runs the work where the plan says: finished on one shard, within the client's transaction
         * block, or on borrowed backends; a merge the shards' collations refuse before any answer
         * went out is finished on one shard instead, when it can be.
         */
        MultiShardRun.Outcome run(ClientSession session, Work work) throws IOException {
            if (finishing != null) {
                return FinishOnShard.run(session, finishing, work, this);
            }
            Work tried = fallback == null ? work : (run, plan) -> work.on(run.finishingWhenMergeRefused(), plan);
            MultiShardRun.Outcome outcome = session.inTransactionBlock() ? MultiShardInTransaction.run(session, this, tried)
                    : withBackends(session, this, tried);
            if (outcome != null && outcome.mergeRefused() != null) {
                log.debug("event=finish_on_shard client={} shard={} because=\"{}\"", session.processId(), fallback.shard(),
                        outcome.mergeRefused().getMessage());
                return FinishOnShard.run(session, fallback, work, finishing(fallback));
            }
            return outcome;
        }

        /** Every shard the statement needs a backend on: those running it, and the one its moved rows leave. */
        java.util.Set<String> shards() {
            if (move == null) {
                return sqlByShard.keySet();
            }
            java.util.Set<String> shards = new java.util.LinkedHashSet<>(sqlByShard.keySet());
            shards.add(move.from());
            return shards;
        }

        /** The rows to move before the statement runs, with these parameters; null when none move. */
        MovedRows movedRows(Bind bind, int[] parameterTypes) {
            if (move == null) {
                return null;
            }
            ShardParameters own = ShardParameters.of(move.deleteSql());
            return new MovedRows(move.from(), move.to(), own.sql(), bind == null ? null : own.parameterTypes(parameterTypes),
                    bind == null ? null : own.bind(bind, "", new short[0]), move.copySql());
        }
    }

    /**
     * A split update: the UPDATE runs on the new key's shard {@code to}, after {@code deleteSql} took
     * its rows off {@code from} and {@code copySql} wrote them to {@code to} (see MovedRows).
     */
    record Move(String from, String to, String deleteSql, String copySql) {
    }

    /** Runs the statement if its route spans several shards; false when it goes the one-shard way. */
    static boolean runIfMultiShard(ClientSession session, String sql, Analysis analysis, Route route) throws IOException {
        Plan plan = plan(session, sql, analysis, route, null);
        if (plan == null) {
            return false;
        }
        ShardNotice.sending(session, sql, plan.shards());
        Work work = (run, running) -> run.moving(running.movedRows(null, null)).run(running.sqlByShard(), running.select());
        plan.run(session, work);
        session.metrics.answered(RouteKind.MULTI_SHARD, session.idleStatus());
        session.out.write(new ReadyForQuery(session.idleStatus()));
        session.out.flush();
        return true;
    }

    /**
     * The plan of a statement whose route spans several shards, null when it goes the one-shard way;
     * 0A000 when it spans several shards but cannot run there.
     */
    static Plan plan(ClientSession session, String sql, Analysis analysis, Route route, BoundValues bound) {
        Plan ctid = VirtualFunctions.ctidPlan(session, sql);
        if (ctid != null) {
            return ctid;
        }
        if (route instanceof Route.Finished finished) {
            // the functions' pulls read every shard: while a range of theirs is locked (being moved,
            // its rows may be on two shards at once) they wait, as statements without key do
            FinishOnShard.Finishing finishing = session.router.waitingOnLocks(() -> {
                FinishOnShard.Finishing planned = FinishOnShard.plan(session, sql, finished.shards(), finished.functions());
                FinishOnShard.requireNoLockedRange(session, planned);
                return planned;
            });
            log.debug("event=finish_on_shard client={} shard={} pulls={} functions={}", session.processId(), finishing.shard(),
                    finishing.sources().size(), finished.functions().size());
            return Plan.finishing(finishing);
        }
        SortedSet<String> shards = session.router.multiShardTargets(route);
        if (shards == null || analysis == null || analysis.statements().size() != 1) {
            return null;
        }
        Statement statement = analysis.statements().getFirst();
        StatementKind kind = statement.kind();
        if (route instanceof Route.Scatter) {
            // SPQR's scatter: each shard runs the text as it is, its rows follow the previous shard's
            Map<String, String> sqlByShard = new LinkedHashMap<>();
            shards.forEach(shard -> sqlByShard.put(shard, sql));
            log.debug("event=scatter client={} kind={} shards={}", session.processId(), kind, shards);
            return new Plan(sqlByShard, null, false);
        }
        if (route instanceof Route.EveryShard every) {
            Map<String, String> sqlByShard = new LinkedHashMap<>();
            shards.forEach(shard -> sqlByShard.put(shard, sql));
            log.debug("event=every_shard client={} kind={} shards={}", session.processId(), kind, shards);
            return new Plan(sqlByShard, null, true);
        }
        if (route instanceof Route.ManyShards many && many.move() != null) {
            return splitUpdate(session, sql, statement, many);
        }
        if (kind != StatementKind.SELECT && kind != StatementKind.UPDATE && kind != StatementKind.DELETE
                && kind != StatementKind.INSERT) {
            return null;
        }
        MultiShardShape shape = session.context().analyzer().multiShardShape(sql,
                Placements.of(session.context().metadata(), shards));
        Map<String, String> sqlByShard;
        try {
            // While a range the statement may touch is locked (being moved, its rows may be on two
            // shards at once), wait as single-shard statements do.
            sqlByShard = session.router.waitingOnLocks(() -> {
                Metadata metadata = session.context().metadata();
                if (route instanceof Route.NoKey missing) {
                    session.router.requireNoLockedRange(metadata, missing);
                }
                return statementsByShard(metadata, table -> session.router.distributedBehind(metadata, table), shards, shape, statement, bound);
            });
        } catch (PgException e) {
            if (kind == StatementKind.SELECT && e.sqlState() == SqlState.FEATURE_NOT_SUPPORTED) {
                Plan finished = finished(session, sql, shards, e);
                if (finished != null) {
                    return finished;
                }
            }
            throw new PgException(e.sqlState(), kind + " runs on several shards (" + String.join(", ", shards) + "): "
                    + e.getMessage(), route.reason(), e.hint(), 0);
        }
        log.debug("event=multi_shard client={} kind={} shards={} pushdown={}", session.processId(), kind, sqlByShard.keySet(),
                shape instanceof MultiShardShape.Select s && s.pushdown() != null);
        Map<String, ShardParameters> parametersByShard = new LinkedHashMap<>();
        MultiShardShape.Select select = shape instanceof MultiShardShape.Select s ? s : null;
        if (select != null && (select.limitParameter() > 0 || select.offsetParameter() > 0)) {
            select = BoundWindow.of(select, bound, shards);
        }
        if (bound != null && (shape instanceof MultiShardShape.Insert || select != shape)) {
            // each shard's part mentions some of the parameters only (not LIMIT $n): its Bind carries just those
            sqlByShard.forEach((shard, text) -> parametersByShard.put(shard, ShardParameters.of(text)));
        }
        FinishOnShard.Finishing fallback = null;
        if (select != null && (select.aggregation() != null || select.distinct() || !select.sortKeys().isEmpty())) {
            try {
                fallback = FinishOnShard.plan(session, sql, shards);
            } catch (PgException cannot) {
                // the merge answers or refuses, as before
            }
        }
        return new Plan(sqlByShard, select, false, parametersByShard, null, fallback);
    }

    /**
     * An UPDATE whose new key lives on another shard: its rows move there first, then it runs there
     * (SPQR's split update); 0A000 when its rows cannot be told apart from other rows there.
     */
    private static Plan splitUpdate(ClientSession session, String sql, Statement statement, Route.ManyShards route) {
        var rows = session.context().analyzer().keyMove(sql);
        Route.RowMove move = route.move();
        if (rows.refusal() != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "this UPDATE gives its rows a distribution key of shard \""
                    + move.to() + "\" but cannot move them from shard \"" + move.from() + "\": " + rows.refusal(),
                    route.reason(), "Update the key in an UPDATE of its own without WITH, FROM or function calls,"
                    + " or DELETE the rows and INSERT them with their new key.", 0);
        }
        TableRef table = statement.writes().getFirst().table();
        String relation = Identifiers.quoted(table);
        log.debug("event=split_update client={} from={} to={}", session.processId(), move.from(), move.to());
        return new Plan(Map.of(move.to(), sql), null, false, Map.of(),
                new Move(move.from(), move.to(), rows.deleteSql(), "COPY " + relation + " FROM STDIN (FORMAT binary)"));
    }

    /**
     * A SELECT the shards cannot answer alone, finished on one of them from the rows it pulls (see
     * FinishOnShard); null when it cannot be finished there either, the refusal's detail then saying why.
     */
    private static Plan finished(ClientSession session, String sql, SortedSet<String> shards, PgException refusal) {
        FinishOnShard.Finishing finishing;
        try {
            finishing = FinishOnShard.plan(session, sql, shards);
        } catch (PgException e) {
            log.debug("event=finish_refused client={} reason=\"{}\"", session.processId(), e.getMessage());
            return null;
        }
        log.debug("event=finish_on_shard client={} shard={} pulls={}", session.processId(), finishing.shard(),
                finishing.sources().size());
        return Plan.finishing(finishing);
    }

    /**
     * For EXPLAIN ROUTE: why a SELECT over several shards runs whole on each ("pushdown: …"), or where
     * it is finished and what it pulls ("finish on shard sh1: pulls …"); null when it is merged as
     * usual (one distributed relation) or refused.
     */
    static String pushdownOf(ClientSession session, String sql, java.util.Collection<String> shards) {
        Metadata metadata = session.context().metadata();
        MultiShardShape shape = session.context().analyzer().multiShardShape(sql, Placements.of(metadata, shards));
        if (shape instanceof MultiShardShape.Select select) {
            if (select.pushdown() != null) {
                return select.pushdown();
            }
            try {
                requireOneDistributedRowSource(table -> session.router.distributedBehind(metadata, table), select.tables(),
                        select.rowSources());
                return null;
            } catch (PgException refused) {
                // finished on one shard, if at all
            }
        } else if (!(shape instanceof MultiShardShape.Unsupported) || shards.size() < 2) {
            return null;
        }
        try {
            return FinishOnShard.plan(session, sql, new java.util.TreeSet<>(shards)).describe();
        } catch (PgException refused) {
            return null;
        }
    }

    /** For EXPLAIN ROUTE: the reason of a route finished for the functions it calls, and what it pulls, or why it is refused. */
    static String finishOf(ClientSession session, String sql, Route.Finished route) {
        try {
            return route.reason() + "; " + FinishOnShard.plan(session, sql, route.shards(), route.functions()).describe();
        } catch (PgException refused) {
            return route.reason() + "; refused: " + refused.getMessage();
        }
    }

    /**
     * A SELECT whose rows, shard after shard, are its answer (COPY (SELECT …) TO STDOUT): no merge
     * step may be needed; 0A000 saying why otherwise.
     */
    static void requireConcatenable(ClientSession session, String select) {
        MultiShardShape shape = session.context().analyzer().multiShardShape(select);
        String why = switch (shape) {
            case MultiShardShape.Select s when s.aggregation() != null -> "it aggregates or groups rows";
            case MultiShardShape.Select s when s.distinct() -> "it has DISTINCT";
            case MultiShardShape.Select s when !s.sortKeys().isEmpty() -> "it has ORDER BY";
            case MultiShardShape.Select s when s.isWindowed() -> "it has LIMIT or OFFSET";
            case MultiShardShape.Select s -> null;
            case MultiShardShape.Unsupported unsupported -> unsupported.reason();
            case MultiShardShape.Modify modify -> "it is not a SELECT";
            case MultiShardShape.Insert insert -> "it is not a SELECT";
        };
        if (why != null) {
            throw refused("COPY (query) TO STDOUT over several shards sends each shard's rows in turn, which this query's"
                    + " answer is not: " + why);
        }
        MultiShardShape.Select select1 = (MultiShardShape.Select) shape;
        Metadata metadata = session.context().metadata();
        requireOneDistributedRowSource(table -> session.router.distributedBehind(metadata, table), select1.tables(),
                select1.rowSources());
    }

    /** What each shard runs; 0A000 saying why when the merged answer could be wrong. */
    private static Map<String, String> statementsByShard(Metadata metadata, Behind behind, SortedSet<String> shards,
                                                         MultiShardShape shape, Statement statement, BoundValues bound) {
        Map<String, String> byShard = new LinkedHashMap<>();
        switch (shape) {
            case MultiShardShape.Unsupported unsupported -> throw refused(unsupported.reason());
            case MultiShardShape.Select select -> {
                if (select.pushdown() == null) {
                    requireOneDistributedRowSource(behind, select.tables(), select.rowSources());
                }
                shards.forEach(shard -> byShard.put(shard, select.shardSql()));
            }
            case MultiShardShape.Modify modify -> {
                requireOneDistributedRowSource(behind, modify.tables(), modify.rowSources());
                shards.forEach(shard -> byShard.put(shard, modify.shardSql()));
            }
            case MultiShardShape.Insert insert -> {
                DistributedRelation relation = onlyDistributed(metadata, behind, statement.tables());
                List<String> rowShards;
                rowShards = relation == null ? null : StatementRouter.insertRowShards(metadata, statement, relation, bound);
                if (rowShards == null || rowShards.size() != insert.rows().size()) {
                    throw refused("an INSERT whose rows go to several shards needs the sharding key of every row as a constant");
                }
                Map<String, List<Integer>> rowsByShard = new LinkedHashMap<>();
                for (String shard : shards) {
                    rowsByShard.put(shard, new ArrayList<>());
                }
                for (int i = 0; i < rowShards.size(); i++) {
                    rowsByShard.computeIfAbsent(rowShards.get(i), s -> new ArrayList<>()).add(i);
                }
                rowsByShard.forEach((shard, rows) -> {
                    if (!rows.isEmpty()) {
                        byShard.put(shard, insert.sqlFor(rows));
                    }
                });
            }
        }
        return byShard;
    }

    /**
     * Shard-local answers combine correctly only when one distributed relation is read, and its rows
     * are the result's rows: joins and subqueries over distributed relations would miss rows that
     * live on other shards.
     */
    private static void requireOneDistributedRowSource(Behind behind, List<TableRef> tables, List<TableRef> rowSources) {
        int uses = 0;
        TableRef distributed = null;
        for (TableRef table : tables) {
            if (behind.relation(table).isPresent()) {
                uses++;
                distributed = table;
            }
        }
        if (uses != 1 || !rowSources.contains(distributed)) {
            throw refused("a statement on several shards may read one distributed relation, once, in its FROM clause:"
                    + " joins and subqueries over distributed relations cannot be merged from several shards yet");
        }
    }

    private static DistributedRelation onlyDistributed(Metadata metadata, Behind behind, List<TableRef> tables) {
        DistributedRelation found = null;
        for (TableRef table : tables) {
            if (metadata.relation(new QualifiedName(table.schema(), table.name())).isEmpty() && behind.relation(table).isPresent()) {
                return null; // rows inserted through a view: its key column may have another name, or none
            }
            var relation = metadata.relation(new QualifiedName(table.schema(), table.name()));
            if (relation.isPresent()) {
                if (found != null && !found.equals(relation.get())) {
                    return null;
                }
                found = relation.get();
            }
        }
        return found;
    }

    /** The distributed relation a table stands for: itself, or the relation a filtering view reads. */
    @FunctionalInterface
    interface Behind {
        java.util.Optional<DistributedRelation> relation(TableRef table);
    }

    private static PgException refused(String reason) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, reason);
    }

    /** What runs on the backends. */
    @FunctionalInterface
    interface Work {
        /** @param plan the plan being run: the statement's own, or the one that finishes it on one shard */
        MultiShardRun.Outcome on(MultiShardRun run, Plan plan) throws IOException;
    }

    /**
     * Takes a backend on each shard of the plan (the session's own where it holds one), does the
     * work and gives them back.
     */
    static MultiShardRun.Outcome withBackends(ClientSession session, Plan plan, Work work) throws IOException {
        BackendLink own = session.currentLink();
        String ownShard = own == null ? null : own.pool.key().shard();
        Map<String, BackendConnection> backends = new LinkedHashMap<>();
        Map<String, BackendLink> borrowed = new LinkedHashMap<>();
        MultiShardRun.Outcome outcome = null;
        boolean started = false;
        try {
            for (String shard : plan.shards()) {
                if (shard.equals(ownShard)) {
                    backends.put(shard, own.backend);
                } else {
                    BackendLink link = borrow(session, shard);
                    borrowed.put(shard, link);
                    backends.put(shard, link.backend);
                }
            }
            started = true;
            session.multiShardBackends = List.copyOf(backends.values());
            outcome = work.on(new MultiShardRun(backends, session.out, plan.replicated(), session.settings.clientEncoding(),
                    commitOf(session)), plan);
        } finally {
            session.multiShardBackends = null;
            if (plan.replicated()) {
                // DDL has run: a column order (or view) read while it ran may be the old one
                session.context().catalogCache().invalidate();
            }
            for (Map.Entry<String, BackendLink> entry : borrowed.entrySet()) {
                BackendLink link = entry.getValue();
                boolean broken = (started && outcome == null) || link.backend.isBroken() || (outcome != null
                        && (outcome.brokenShards().contains(entry.getKey()) || outcome.inTransaction()));
                if (broken) {
                    link.pool.discard(link.backend);
                } else {
                    Relay.release(session, link);
                }
            }
            if (own != null && backends.containsKey(ownShard)) {
                own.unnamed = null; // the extended protocol used the backend's unnamed statement
                if ((started && outcome == null) || (outcome != null && outcome.brokenShards().contains(ownShard))
                        || own.backend.isBroken()) {
                    session.dropLink(own);
                }
            }
        }
        return outcome;
    }

    /**
     * How a write outside a transaction block commits on its shards: by two-phase commit when the
     * session's commit strategy is 2pc (all shards or none), else shard by shard.
     */
    static MultiShardRun.ShardCommit commitOf(ClientSession session) {
        if (JoinedShards.strategy(session) != dev.shardgate.router.config.CommitStrategy.TWO_PHASE) {
            return MultiShardRun.ShardCommit.ONE_BY_ONE;
        }
        var context = session.context();
        var twoPhase = new dev.shardgate.router.twophase.TwoPhaseCommit(context.transactionIds(), context.commitDecisions());
        return participants -> twoPhase.commit(participants, session.takeNextTwoPhaseGid());
    }

    /**
     * The work on a backend of each shard: within the client's transaction block, or on borrowed idle
     * backends given back afterwards (discarded unless the work reports them idle); then the
     * client's ReadyForQuery.
     */
    static void runOnShards(ClientSession session, Collection<String> shards, MultiShardInTransaction.OnLinks work)
            throws IOException {
        if (session.inTransactionBlock()) {
            MultiShardInTransaction.runOnLinks(session, shards, work);
        } else {
            Map<String, BackendLink> links = new LinkedHashMap<>();
            boolean clean = false;
            try {
                for (String shard : shards) {
                    links.put(shard, borrow(session, shard));
                }
                session.multiShardBackends = links.values().stream().map(l -> l.backend).toList();
                clean = work.on(links);
            } finally {
                session.multiShardBackends = null;
                for (BackendLink link : links.values()) {
                    Relay.giveBack(session, link, clean);
                }
            }
        }
        session.out.write(new ReadyForQuery(session.idleStatus()));
        session.out.flush();
    }

    static BackendLink borrow(ClientSession session, String shard) throws IOException {
        BackendPool pool = session.poolFor(shard);
        BackendConnection backend = pool.acquire(session.hostIntent.attrsForBorrowed(pool), session::cancelRequested,
                session.hostIntent.wroteAt(pool));
        try {
            session.settings.applyTo(backend);
        } catch (IOException e) {
            pool.discard(backend);
            throw backend.lost(e);
        } catch (RuntimeException e) {
            pool.release(backend);
            throw e;
        }
        return new BackendLink(backend, pool);
    }
}
