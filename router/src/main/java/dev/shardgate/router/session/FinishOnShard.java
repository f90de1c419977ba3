package dev.shardgate.router.session;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.router.scatter.MultiShardRun;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.FinishShape;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.Placement;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.PgException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A SELECT over several shards that neither shard-local pushdown nor the streaming merge can answer
 * (HAVING over merged groups, aggregate expressions, windows, set operations, DISTINCT ON, GROUPING
 * SETS, joins off the key …), finished on one PostgreSQL as Citus does with intermediate results:
 * the rows each distributed relation reference needs are pulled from its shards into temporary
 * tables of a finishing backend, where the statement, spliced to read them, runs; its answer is the
 * client's, in either protocol.
 *
 * <p>The finishing backend is a pooled connection to the first shard of the statement's route,
 * borrowed with the client's session settings (TimeZone, DateStyle, search_path …), in a transaction
 * of its own that is rolled back at the end (its temporary tables are ON COMMIT DROP): never the
 * client's own backend, because PostgreSQL refuses PREPARE TRANSACTION of a transaction that touched
 * temporary objects, and the client's transaction may end in two-phase commit. The rows are read on
 * the client's own backends, so within a transaction block they include its uncommitted writes; for
 * the same reason reference relations are pulled too inside a transaction block (the finishing
 * backend's transaction would not see what the client wrote), and read in place outside one.
 */
final class FinishOnShard {
    private FinishOnShard() {
    }

    /**
     * How the statement is finished.
     *
     * @param shard where it is finished
     * @param sources for each pull, the shards its rows are read from
     */
    record Finishing(FinishShape.Finish shape, String shard, Map<FinishShape.Pull, List<String>> sources,
                     List<FinishShape.Function> functions) {
        /** The rows of the finishing backend pass to the client as they come. */
        MultiShardShape.Select passThrough() {
            return new MultiShardShape.Select(shape.finishSql(), null, List.of(), -1, 0, false, List.of(), List.of());
        }

        /** For EXPLAIN ROUTE. */
        String describe() {
            StringBuilder text = new StringBuilder("finish on shard ").append(shard);
            if (!functions.isEmpty()) {
                text.append(" with ").append(functions.stream().map(f -> "pg_temp." + f.name()).collect(Collectors.joining(", ")))
                        .append(" reading the pulls");
            }
            text.append(": pulls ");
            int i = 0;
            for (Map.Entry<FinishShape.Pull, List<String>> entry : sources.entrySet()) {
                text.append(i++ == 0 ? "" : ", ").append(IntermediateResults.describe(entry.getKey(), entry.getValue()));
            }
            return text.toString();
        }
    }

    /** How the statement is finished on one shard of {@code routeShards}; 0A000 with the reason when it cannot be. */
    static Finishing plan(ClientSession session, String sql, SortedSet<String> routeShards) {
        return plan(session, sql, routeShards, List.of());
    }

    /**
     * As {@link #plan(ClientSession, String, SortedSet)} for a SELECT that calls {@code functions},
     * SQL functions whose bodies read distributed relations: they are copied to pg_temp, their
     * bodies reading the relations pulled whole (see SqlAnalyzer#finishShape).
     */
    static Finishing plan(ClientSession session, String sql, SortedSet<String> routeShards,
                          List<FinishShape.Function> functions) {
        Metadata metadata = session.context().metadata();
        boolean pullReferences = session.inTransactionBlock();
        Placement.Lookup placements = placements(session, metadata);
        FinishShape shape = session.context().analyzer().finishShape(sql, placements, true, functions);
        String shard = routeShards.first();
        if (shape instanceof FinishShape.Finish all && !pullReferences) {
            // outside a transaction block a reference relation is read in place where the finishing shard holds it
            Set<String> holders = new TreeSet<>(routeShards);
            for (FinishShape.Pull pull : all.pulls()) {
                if (pull.reference()) {
                    holders.retainAll(ShardedCopy.shardsOf(metadata, reference(metadata, pull.table()).orElseThrow()));
                }
            }
            if (!holders.isEmpty()) {
                shard = holders.iterator().next();
                shape = session.context().analyzer().finishShape(sql, placements, false, functions);
            }
        }
        if (!(shape instanceof FinishShape.Finish finish)) {
            String reason = ((FinishShape.Refused) shape).reason();
            throw new PgException(dev.shardgate.wire.SqlState.FEATURE_NOT_SUPPORTED, functions.isEmpty() ? reason
                    : "function " + functions.stream().map(FinishShape.Function::qualifiedName).collect(Collectors.joining(", "))
                    + " reads distributed relations, so the statement is finished on one shard, which it cannot be: " + reason);
        }
        Map<FinishShape.Pull, List<String>> sources = new LinkedHashMap<>();
        for (FinishShape.Pull pull : finish.pulls()) {
            SortedSet<String> shards;
            if (pull.reference()) {
                SortedSet<String> holders = ShardedCopy.shardsOf(metadata, reference(metadata, pull.table()).orElseThrow());
                shards = new TreeSet<>(List.of(holders.contains(shard) ? shard : holders.first())); // one copy holds every row
            } else {
                shards = keyed(session, metadata, pull,
                        ShardedCopy.shardsOf(metadata, session.router.distributedBehind(metadata, pull.table()).orElseThrow()));
            }
            sources.put(pull, List.copyOf(shards));
        }
        return new Finishing(finish, shard, sources, List.copyOf(functions));
    }

    /**
     * Throws KeyRangeLocked naming a locked key range of a distributed relation a pull reads from
     * every shard of it (a pull narrowed by the statement's keys waited as the statement's route did).
     */
    static void requireNoLockedRange(ClientSession session, Finishing finishing) {
        Metadata metadata = session.context().metadata();
        for (FinishShape.Pull pull : finishing.sources().keySet()) {
            if (pull.reference()) {
                continue;
            }
            Optional<DistributedRelation> relation = session.router.distributedBehind(metadata, pull.table());
            if (relation.isEmpty()) {
                continue;
            }
            for (var range : metadata.index(relation.get().distributionId()).ranges()) {
                if (range.locked()) {
                    throw new dev.shardgate.router.route.KeyRangeLocked(range.id());
                }
            }
        }
    }

    /**
     * Distributed relations (and views that filter one: pulled as they are, each shard's view
     * giving its rows), reference relations, and other tables the router does not know.
     */
    private static Placement.Lookup placements(ClientSession session, Metadata metadata) {
        return table -> {
            Optional<DistributedRelation> distributed = session.router.distributedBehind(metadata, table);
            if (distributed.isPresent()) {
                return new Placement.Distributed(distributed.get().distributionId(), List.of(), List.of());
            }
            return reference(metadata, table).isPresent() ? new Placement.Reference() : new Placement.Other();
        };
    }

    private static Optional<ReferenceRelation> reference(Metadata metadata, TableRef table) {
        try {
            return metadata.referenceRelation(new QualifiedName(table.schema(), table.name()));
        } catch (MetadataException e) {
            return Optional.empty();
        }
    }

    /**
     * Pulls the rows (on the client's own backends in its transaction block, else on borrowed idle
     * ones), finishes the statement and writes its answer by {@code work}; the client's ReadyForQuery
     * is the caller's to write.
     *
     * @return what the finishing run reports, or null when it stopped before
     */
    static MultiShardRun.Outcome run(ClientSession session, Finishing finishing, MultiShardStatements.Work work,
                                     MultiShardStatements.Plan plan) throws IOException {
        Set<String> sourceShards = new LinkedHashSet<>();
        finishing.sources().values().forEach(sourceShards::addAll);
        MultiShardRun.Outcome[] outcome = {null};
        if (session.inTransactionBlock()) {
            MultiShardInTransaction.runOnLinks(session, sourceShards, links -> {
                outcome[0] = finish(session, finishing, work, plan, links);
                return outcome[0] != null && !outcome[0].failed();
            });
            return outcome[0];
        }
        Map<String, BackendLink> links = new LinkedHashMap<>();
        try {
            for (String shard : sourceShards) {
                links.put(shard, MultiShardStatements.borrow(session, shard));
            }
            outcome[0] = finish(session, finishing, work, plan, links);
        } finally {
            session.multiShardBackends = null;
            for (BackendLink link : links.values()) {
                // a refused pull (max_intermediate_result_size, a shard's error) read its COPY through: idle again
                Relay.giveBack(session, link, true);
            }
        }
        return outcome[0];
    }

    private static MultiShardRun.Outcome finish(ClientSession session, Finishing finishing, MultiShardStatements.Work work,
                                                MultiShardStatements.Plan plan, Map<String, BackendLink> sources)
            throws IOException {
        BackendLink finisher = MultiShardStatements.borrow(session, finishing.shard());
        BackendConnection backend = finisher.backend;
        List<BackendConnection> cancellable = new ArrayList<>();
        sources.values().forEach(link -> cancellable.add(link.backend));
        cancellable.add(backend);
        session.multiShardBackends = List.copyOf(cancellable);
        boolean clean = false;
        try {
            BackendQueries.execute(backend, "BEGIN");
            IntermediateResults results = new IntermediateResults(backend, finishing.shard(), session.settings.clientEncoding(),
                    session.context().config().maxIntermediateResultSize());
            for (Map.Entry<FinishShape.Pull, List<String>> entry : finishing.sources().entrySet()) {
                results.pull(entry.getKey(), entry.getValue(), sources);
            }
            if (!finishing.shape().functionDefinitions().isEmpty()) {
                // a copy may call another (or itself) before it exists: its body is checked when it runs
                BackendQueries.execute(backend, "SET LOCAL check_function_bodies = off");
                for (String definition : finishing.shape().functionDefinitions()) {
                    BackendQueries.execute(backend, definition, session.settings.clientEncoding());
                }
            }
            MultiShardRun.Outcome outcome = work.on(new MultiShardRun(Map.of(finishing.shard(), backend), session.out, false,
                    session.settings.clientEncoding()), plan);
            clean = outcome != null && outcome.brokenShards().isEmpty();
            return outcome;
        } finally {
            if (!backend.isBroken()) {
                try {
                    BackendQueries.execute(backend, "ROLLBACK"); // drops the temporary tables
                } catch (IOException | PgException e) {
                    clean = false;
                }
            }
            Relay.giveBack(session, finisher, clean || (!backend.isBroken() && "idle".equals(backend.transactionState())));
        }
    }

    /**
     * Of {@code all}, the shards whose key ranges hold the keys the pull's own conjuncts name (those
     * whose columns are all qualified by the reference), read as a one-shard statement's key is:
     * a pull reads the rows a routed statement would, and none a shard holds outside its ranges.
     * All of them when the conjuncts name no key.
     */
    private static SortedSet<String> keyed(ClientSession session, Metadata metadata, FinishShape.Pull pull,
            SortedSet<String> all) {
        List<String> qualified = pull.filter().stream().filter(conjunct -> conjunct.unqualifiedNames().isEmpty())
                .map(FinishShape.Conjunct::sql).toList();
        if (qualified.isEmpty()) {
            return all;
        }
        String probe = "SELECT 1 FROM " + Identifiers.quoted(pull.table()) + " AS "
                + Identifiers.quoted(pull.refName()) + " WHERE " + String.join(" AND ", qualified);
        try {
            Analysis analysis = session.context().analyzer().analyze(probe);
            if (analysis.statements().size() != 1) {
                return all;
            }
            SortedSet<String> named = switch (StatementRouter.route(metadata, analysis.statements().getFirst(), null)) {
                case Route.OneShard one -> new TreeSet<>(List.of(one.shard()));
                case Route.ManyShards many -> new TreeSet<>(many.shards());
                case Route.NoKey missing when missing.within() != null -> new TreeSet<>(missing.within());
                default -> all;
            };
            named.retainAll(all);
            return named.isEmpty() ? all : named;
        } catch (RuntimeException e) {
            // a locked range, a key the probe cannot read: every shard, as before
            return all;
        }
    }
}
