package dev.shardgate.router.session;

import dev.shardgate.sql.SqlLexer;
import dev.shardgate.meta.Metadata;
import dev.shardgate.router.RouterContext;
import dev.shardgate.router.catalog.Catalog;
import dev.shardgate.router.catalog.SeeThrough;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import dev.shardgate.router.route.BoundValues;
import dev.shardgate.router.route.KeyRangeLocked;
import dev.shardgate.router.route.QueryStringRoute;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.router.route.VirtualParameters;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Hints;
import dev.shardgate.sql.Statement;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A session's routing decisions: which shard a statement (with its bound values and hints) must run
 * on, and what to do when it names no key, by the default route behaviour (BLOCK or ALLOW).
 */
final class TransactionRouter {
    private static final long LOCK_POLL_MILLIS = 10;
    /** Set while the session sleeps on a locked key range, read by the routing fence. */
    private volatile boolean waitingOnLock;

    private final RouterContext context;
    final RoutingHints hints = new RoutingHints();
    /** The catalog of views and functions, as this session sees it (its search_path), through the router's cache. */
    private Catalog catalog;

    TransactionRouter(RouterContext context) {
        this.context = context;
    }

    /** Lets routing look through views and functions, asking the shards' catalog with this session's settings. */
    void seeThroughWith(Catalog shardCatalog, java.util.function.Supplier<String> searchPath) {
        this.catalog = context.catalogCache().over(searchPath, shardCatalog);
    }

    private SeeThrough seeThrough(Metadata metadata) {
        return new SeeThrough(metadata, context.analyzer(), catalog);
    }

    /**
     * The distributed relation a table of a statement stands for: itself, or the one relation a
     * filtering view reads (see SeeThrough).
     */
    java.util.Optional<dev.shardgate.meta.DistributedRelation> distributedBehind(Metadata metadata, dev.shardgate.sql.TableRef table) {
        if (catalog == null) {
            return metadata.relation(new dev.shardgate.meta.QualifiedName(table.schema(), table.name()));
        }
        return seeThrough(metadata).distributedBehind(table);
    }

    /**
     * SPQR hints given as startup parameters ({@code __spqr__x} or {@code options=-c __spqr__x=v})
     * are the session's hints, not server settings; so is {@code target_session_attrs}, which SPQR
     * takes for {@code __spqr__target_session_attrs} (libpq keeps it, other drivers may send it).
     */
    Map<String, String> hintsTakenFrom(Map<String, String> startup) {
        Map<String, String> rest = new java.util.LinkedHashMap<>(startup);
        rest.keySet().removeIf(name -> {
            if (RoutingHints.isHint(name)) {
                hints.set(name, startup.get(name));
                return true;
            }
            if (name.equalsIgnoreCase(TARGET_SESSION_ATTRS_ALIAS)) {
                hints.set(RoutingHints.TARGET_SESSION_ATTRS, startup.get(name));
                return true;
            }
            return false;
        });
        String options = rest.get("options");
        if (options != null && (options.contains(RoutingHints.PREFIX) || options.contains(TARGET_SESSION_ATTRS_ALIAS))) {
            java.util.regex.Matcher m = OPTIONS_HINT.matcher(options);
            StringBuilder kept = new StringBuilder();
            while (m.find()) {
                hints.set(m.group(1).startsWith(RoutingHints.PREFIX) ? m.group(1) : RoutingHints.TARGET_SESSION_ATTRS, m.group(2));
                m.appendReplacement(kept, "");
            }
            m.appendTail(kept);
            rest.put("options", kept.toString().strip());
        }
        return rest;
    }

    private static final String TARGET_SESSION_ATTRS_ALIAS = "target_session_attrs";
    private static final java.util.regex.Pattern OPTIONS_HINT =
            java.util.regex.Pattern.compile("-c\\s*(__spqr__\\w+|target_session_attrs)=(\\S+)");

    /**
     * Statements whose first keyword can change transaction or session state, or define an object
     * (a schema, type, function …) that every shard needs, before any relation is distributed.
     */
    private static final java.util.Set<String> STATE_KEYWORDS = java.util.Set.of("set", "reset", "discard", "begin",
            "start", "commit", "end", "rollback", "abort", "savepoint", "release", "prepare", "execute", "deallocate",
            "create", "alter", "drop", "comment");

    /**
     * False when analysing the text cannot change where it goes or what the session must remember:
     * no distributed relation exists, no hint is set, and the statement does not start with a
     * transaction, SET-like or DDL keyword.
     */
    boolean needsAnalysis(String sql) {
        return !context.metadata().relations().isEmpty() || !context.metadata().referenceRelations().isEmpty() || !hints.isEmpty() || sql.contains(RoutingHints.PREFIX)
                || STATE_KEYWORDS.contains(firstKeyword(sql));
    }

    /** The first word of the text, lower-case, after blanks and comments. */
    static String firstKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(' ) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                i = SqlLexer.lineCommentEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = SqlLexer.orLength(sql, SqlLexer.blockCommentEnd(sql, i));
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The analysis of a query string; an INSERT without a column list into a distributed relation
     * gets its rows' values named by the relation's column order, read from a shard's catalog.
     */
    Analysis analyze(String sql) {
        Analysis analysis = context.analyzer().analyze(sql);
        return catalog == null ? analysis : dev.shardgate.router.catalog.InsertColumnOrder.named(analysis, context.metadata(), catalog);
    }

    /** The route of a query string or prepared statement, waiting while its key range is locked. */
    Route route(String sql, Analysis analysis, BoundValues bound) {
        return waitingOnLocks(() -> routeOnce(sql, analysis, bound, context.metadata()));
    }

    /**
     * What {@code decision} decides from the current metadata, asked again every few milliseconds
     * while it reports a locked key range, up to lock_wait_timeout (then 55P03).
     */
    <T> T waitingOnLocks(java.util.function.Supplier<T> decision) {
        try {
            return decision.get(); // the usual case: no range locked, nothing else to do
        } catch (KeyRangeLocked locked) {
            waitingOnLock = true;
            try {
                return waitForUnlocked(decision, locked, System.nanoTime() + context.config().lockWaitTimeout().toNanos());
            } finally {
                waitingOnLock = false;
            }
        }
    }

    /** Whether the session waits for a locked key range now: it has seen the lock (see RoutingFence). */
    boolean waitingOnLock() {
        return waitingOnLock;
    }

    private <T> T waitForUnlocked(java.util.function.Supplier<T> decision, KeyRangeLocked first, long deadline) {
        KeyRangeLocked locked = first;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new PgException(SqlState.LOCK_NOT_AVAILABLE, "key range \"" + locked.keyRangeId()
                        + "\" is locked: waited " + context.config().lockWaitTimeout().toMillis() + " ms")
                        .withHint("The key range is being moved or was locked with LOCK KEY RANGE; retry later.");
            }
            try {
                Thread.sleep(LOCK_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PgException(SqlState.QUERY_CANCELED, "canceling statement while waiting for a locked key range");
            }
            try {
                return decision.get();
            } catch (KeyRangeLocked again) {
                locked = again;
            }
        }
    }

    private Route routeOnce(String sql, Analysis analysis, BoundValues bound, Metadata metadata) {
        if (isTransactionControl(analysis)) {
            // COMMIT, ROLLBACK [TO] … end or rewind the transaction where it is, whatever the hints
            // say (a ROLLBACK also undoes the hints set in the transaction before it is routed)
            return new Route.AnyShard("transaction control runs on the transaction's shard");
        }
        Map<String, String> inForce = hints.with(Hints.fromComments(sql));
        String executeOn = inForce.get(RoutingHints.EXECUTE_ON);
        if (executeOn != null) {
            if (metadata.shard(executeOn).isEmpty() && !context.config().shards().containsKey(executeOn)) {
                throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + executeOn + "\" named by "
                        + RoutingHints.EXECUTE_ON + " does not exist");
            }
            return hinted(metadata, analysis, bound, new Route.OneShard(executeOn, "hint execute_on " + executeOn));
        }
        if (RoutingHints.isOn(inForce, VirtualParameters.SCATTER_QUERY) && !context.shardsFirstToLast().isEmpty()) {
            java.util.SortedSet<String> every = new java.util.TreeSet<>(context.shardsFirstToLast());
            if (analysis != null && analysis.isParsed()) {
                // an INSERT sent everywhere would put its rows on shards that do not own their keys
                for (Statement statement : analysis.statements()) {
                    every.forEach(shard -> StatementRouter.checkHinted(metadata, statement, bound, shard));
                }
            }
            return new Route.Scatter(every, "hint scatter_query → every shard");
        }
        String key = inForce.get(RoutingHints.SHARDING_KEY);
        if (key != null) {
            return hinted(metadata, analysis, bound,
                    StatementRouter.routeHintedKey(metadata, distributionForHint(metadata, analysis, inForce), key));
        }
        if (analysis == null || !analysis.isParsed()) {
            return new Route.AnyShard("statement not analysed: " + (analysis == null ? "unknown" : analysis.parseError()));
        }
        List<Route> routes = new ArrayList<>(analysis.statements().size());
        SeeThrough seeThrough = catalog == null ? null : seeThrough(metadata);
        for (Statement statement : analysis.statements()) {
            if (statement.kind() == dev.shardgate.sql.StatementKind.DDL) {
                context.catalogCache().invalidate(); // it may create or replace a view or function
            }
            Route route = StatementRouter.route(metadata, statement, bound);
            if (route instanceof Route.NoKey missing && statement.kind() == dev.shardgate.sql.StatementKind.SELECT
                    && analysis.statements().size() == 1) {
                route = coLocated(metadata, statement, bound, missing);
            }
            if (route instanceof Route.ManyShards many && many.move() != null && !splitUpdateAllowed(inForce)) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "updating the distribution key moves rows from shard \""
                        + many.move().from() + "\" to shard \"" + many.move().to() + "\", which "
                        + VirtualParameters.ALLOW_SPLIT_UPDATE + " = off forbids")
                        .withDetail(route.reason())
                        .withHint("SET " + VirtualParameters.ALLOW_SPLIT_UPDATE + " TO on, or DELETE the rows and INSERT them"
                                + " with their new key.");
            }
            routes.add(seeThrough == null ? route : seeThrough.route(statement, route, bound));
        }
        return QueryStringRoute.of(analysis.statements(), routes, this::underPolicy);
    }

    /**
     * A SELECT without a key for some relation, whose rows all share their key with a relation it
     * pins to keys of one shard (joined, EXISTS, IN or a correlated subquery on the key): that shard.
     */
    private Route coLocated(Metadata metadata, Statement statement, BoundValues bound, Route.NoKey missing) {
        var pinned = context.analyzer().pinnedKey(statement.text(),
                dev.shardgate.router.route.Placements.of(metadata, context.shardsFirstToLast()));
        if (pinned == null) {
            return missing;
        }
        Route keyed = StatementRouter.routePinned(metadata, pinned.table(), pinned.values(), bound, missing);
        return keyed == null ? missing : keyed;
    }

    /** SPQR's split update, on unless the session (or a comment) turns it off. */
    private static boolean splitUpdateAllowed(Map<String, String> inForce) {
        String value = inForce.get(VirtualParameters.ALLOW_SPLIT_UPDATE);
        return value == null || VirtualParameters.parseBoolean(VirtualParameters.ALLOW_SPLIT_UPDATE, value);
    }

    /**
     * Where a statement without key of a query string of several statements runs by the session's
     * policy: refused under BLOCK; under ALLOW its distribution's default shard, or every shard
     * holding a key range of it.
     */
    private Route underPolicy(Route.NoKey missing) {
        java.util.SortedSet<String> every = multiShardTargets(missing);
        if (every != null) {
            return new Route.ManyShards(every, missing.reason() + ", default_route_behaviour ALLOW → "
                    + (missing.within() != null ? "those shards" : "every shard of its distribution"));
        }
        String shard = shardFor(missing);
        return new Route.OneShard(shard, missing.reason() + ", default_route_behaviour ALLOW → default shard " + shard);
    }

    /** A hint chooses the shard, but never one where a row the statement writes does not belong. */
    private static Route hinted(Metadata metadata, Analysis analysis, BoundValues bound, Route.OneShard route) {
        if (analysis != null && analysis.isParsed()) {
            for (Statement statement : analysis.statements()) {
                StatementRouter.checkHinted(metadata, statement, bound, route.shard());
            }
        }
        return route;
    }

    private static boolean isTransactionControl(Analysis analysis) {
        if (analysis == null || !analysis.isParsed() || analysis.statements().isEmpty()) {
            return false;
        }
        for (Statement statement : analysis.statements()) {
            switch (statement.kind()) {
                case COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO, PREPARE_TRANSACTION -> { }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static String distributionForHint(Metadata metadata, Analysis analysis, Map<String, String> inForce) {
        String distribution = inForce.get(RoutingHints.DISTRIBUTION);
        if (distribution != null) {
            return distribution;
        }
        if (analysis != null && analysis.isParsed()) {
            for (Statement statement : analysis.statements()) {
                for (var table : statement.tables()) {
                    var relation = metadata.relation(new dev.shardgate.meta.QualifiedName(table.schema(), table.name()));
                    if (relation.isPresent()) {
                        return relation.get().distributionId();
                    }
                }
            }
        }
        if (metadata.distributions().size() == 1) {
            return metadata.distributions().firstKey();
        }
        throw new PgException(SqlState.UNDEFINED_OBJECT, RoutingHints.SHARDING_KEY
                + " needs a distribution: set " + RoutingHints.DISTRIBUTION + " or name a distributed relation");
    }

    /**
     * The one shard a route runs on under the session's policy, or a clear error; null means any
     * shard will do (the one the transaction already holds, if any).
     */
    String shardFor(Route route) {
        return switch (route) {
            case Route.OneShard one -> one.shard();
            case Route.AnyShard any -> null;
            case Route.EveryShard every -> {
                if (every.shards().size() == 1) {
                    yield every.shards().first();
                }
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a statement that runs on every shard ("
                        + String.join(", ", every.shards()) + ") must come alone in its query string")
                        .withDetail(every.reason());
            }
            case Route.Scatter scatter -> {
                if (scatter.shards().size() == 1) {
                    yield scatter.shards().first();
                }
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a statement sent to every shard ("
                        + String.join(", ", scatter.shards()) + ") by " + VirtualParameters.SCATTER_QUERY
                        + " must come alone in its query string")
                        .withDetail(scatter.reason());
            }
            case Route.Finished finished -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "a SELECT finished on one shard must come alone in its query string").withDetail(finished.reason());
            case Route.ManyShards many -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "statement touches keys on several shards (" + String.join(", ", many.shards())
                            + "); multi-shard statements are not supported yet")
                    .withDetail(many.reason());
            case Route.NoKey missing -> {
                if (behaviour() == DefaultRouteBehaviour.BLOCK && missing.within() != null) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "the keys of relation " + missing.relation()
                            + " the statement names lie on several shards (" + String.join(", ", missing.within())
                            + "): under default_route_behaviour BLOCK a statement runs on one shard")
                            .withDetail(missing.reason())
                            .withHint("Restrict " + missing.keyColumns() + " to keys of one shard, or SET __spqr__default_route_behaviour = ALLOW.");
                }
                if (behaviour() == DefaultRouteBehaviour.BLOCK) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "no sharding key found for relation "
                            + missing.relation() + ": the statement must restrict distribution key column "
                            + missing.keyColumns() + " to a value")
                            .withHint("Add " + missing.keyColumns() + " = <value> to the statement, or a /*__spqr__sharding_key: <value>*/ hint, or SET __spqr__default_route_behaviour = ALLOW.");
                }
                yield defaultShardOf(missing);
            }
        };
    }

    /**
     * The shards a statement runs on when it runs on more than one: those its keys name, or, for a
     * statement without key under ALLOW whose distribution has no default shard, every shard holding
     * a key range of it. Null when {@link #shardFor} decides (one shard, or an error).
     */
    /**
     * A statement with no key may touch any range of its relation's distribution, so it waits
     * while any of them is locked.
     *
     * @throws KeyRangeLocked naming a locked range
     */
    /** The relation a statement with no key touches, as the metadata has it now. */
    private static java.util.Optional<dev.shardgate.meta.DistributedRelation> relationOf(Metadata metadata, Route.NoKey missing) {
        return metadata.relation(dev.shardgate.meta.QualifiedName.parse(missing.relation()));
    }

    void requireNoLockedRange(Metadata metadata, Route.NoKey missing) {
        var relation = relationOf(metadata, missing);
        if (relation.isEmpty()) {
            return;
        }
        for (var range : metadata.index(relation.get().distributionId()).ranges()) {
            if (range.locked()) {
                throw new KeyRangeLocked(range.id());
            }
        }
    }

    java.util.SortedSet<String> multiShardTargets(Route route) {
        return switch (route) {
            case Route.ManyShards many -> many.shards();
            case Route.EveryShard every -> every.shards().size() > 1 ? every.shards() : null;
            case Route.Scatter scatter -> scatter.shards().size() > 1 ? scatter.shards() : null;
            case Route.NoKey missing -> {
                if (behaviour() == DefaultRouteBehaviour.BLOCK) {
                    yield null;
                }
                if (missing.within() != null) {
                    yield missing.within(); // the shards its key ranges intersect, default shard or not
                }
                Metadata metadata = context.metadata();
                var relation = relationOf(metadata, missing);
                if (relation.isEmpty() || relation.flatMap(r -> metadata.distribution(r.distributionId()))
                        .flatMap(d -> d.defaultShard()).isPresent()) {
                    yield null; // a default shard takes keyless statements, as before
                }
                java.util.SortedSet<String> shards = new java.util.TreeSet<>();
                for (var range : metadata.index(relation.get().distributionId()).ranges()) {
                    shards.add(range.shardId());
                }
                yield shards.isEmpty() ? null : shards;
            }
            case Route.Finished finished -> finished.shards();
            case Route.OneShard one -> null;
            case Route.AnyShard any -> null;
        };
    }

    private String defaultShardOf(Route.NoKey missing) {
        Metadata metadata = context.metadata();
        var relation = relationOf(metadata, missing);
        var shard = relation.flatMap(r -> metadata.distribution(r.distributionId())).flatMap(d -> d.defaultShard());
        return shard.orElseThrow(() -> new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                "no sharding key found for relation " + missing.relation()
                        + " and its distribution has no default shard: running it on all shards is not supported yet"));
    }

    private DefaultRouteBehaviour behaviour() {
        return hints.get(RoutingHints.DEFAULT_ROUTE_BEHAVIOUR)
                .map(RoutingHints::parseBehaviour)
                .orElse(context.config().defaultRouteBehaviour());
    }
}
