package dev.shardgate.router.catalog;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.router.route.BoundValues;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.FinishShape;
import dev.shardgate.sql.FunctionRef;
import dev.shardgate.sql.KeyFilter;
import dev.shardgate.sql.LiteralKind;
import dev.shardgate.sql.SelectedColumn;
import dev.shardgate.sql.Value;
import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sees through views and functions a statement names, to the distributed relations behind them. The
 * router's metadata knows distributed and reference relations only; a view or a function body can
 * read a distributed relation the statement does not name, and run on one shard it would answer for
 * that shard alone. So:
 *
 * <ul>
 *   <li>A view that only filters and projects one distributed relation (joined with reference
 *       relations at most; no aggregates, DISTINCT, ORDER BY, LIMIT, windows or set operations) is
 *       that relation with fewer rows and columns: a statement over it is a statement over the
 *       relation, routed by key when it restricts the column that shows the relation's key
 *       unchanged, else without a key, and merged as such.</li>
 *   <li>Any other view that reads a distributed relation is refused (0A000, naming the view).</li>
 *   <li>In a statement that touches no distributed relation, or one routed by keys (to one shard,
 *       several, or every copy of a reference relation), an SQL function's body is read for the
 *       relations it uses; a SELECT calling one that reads a distributed relation is finished on one
 *       shard, the function copied to pg_temp over rows pulled from every shard; such a call in any
 *       other statement, or of a function in another language (it may read anything), is refused,
 *       with the hint that names a shard on purpose. In a keyed statement only functions that are
 *       not PostgreSQL built-ins are looked up.</li>
 *   <li>While reference relations exist, a statement that does not run on every copy may not call
 *       an SQL function whose body writes one (it would change one copy), nor, on an arbitrary
 *       shard, a function in another language.</li>
 * </ul>
 *
 * Nothing here runs for a statement that names only relations the metadata knows (or the system
 * catalogs) and, if it has a key, only built-in functions: the single-shard path asks no catalog, unless
 * reference relations exist and it calls functions (their answers are cached, see CatalogCache).
 */
public final class SeeThrough {
    /** Views over views, and functions calling functions, are followed this deep. */
    private static final int MAX_DEPTH = 8;
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema");
    /** Languages whose functions cannot read relations: compiled into the server. */
    private static final Set<String> SAFE_LANGUAGES = Set.of("internal");

    private final Metadata metadata;
    private final SqlAnalyzer analyzer;
    private final Catalog catalog;

    public SeeThrough(Metadata metadata, SqlAnalyzer analyzer, Catalog catalog) {
        this.metadata = metadata;
        this.analyzer = analyzer;
        this.catalog = catalog;
    }

    /** What a relation reads of distributed data. */
    private sealed interface Reach {
        /** Nothing distributed: a table, a view over tables, a reference relation. */
        record Nothing() implements Reach {
        }

        /**
         * A filter and projection of one distributed relation.
         *
         * @param keyColumn the column under which it shows the relation's (one-column) distribution
         *     key unchanged, or null: a query restricting it to values is routed by them
         */
        record Filtered(DistributedRelation relation, String keyColumn) implements Reach {
        }

        /** Distributed data in a way the router cannot split by shard. */
        record Unsplittable(String reason) implements Reach {
        }
    }

    private static final Reach NOTHING = new Reach.Nothing();

    /**
     * The route of {@code statement} once its views and functions are seen through: {@code routed}
     * when they change nothing, a route without key when it reads a distributed relation through a
     * view; 0A000 when it cannot run correctly.
     */
    public Route route(Statement statement, Route routed) {
        return route(statement, routed, null);
    }

    /** As {@link #route(Statement, Route)}, with the values bound to the statement's parameters. */
    public Route route(Statement statement, Route routed, BoundValues bound) {
        Route seen = throughViewsAndFunctions(statement, routed, bound);
        if (!metadata.referenceRelations().isEmpty() && !(seen instanceof Route.EveryShard)
                && statement.kind() != StatementKind.DDL) {
            for (FunctionRef function : statement.functions()) {
                requireNoReferenceWrite(function, seen instanceof Route.AnyShard);
            }
        }
        return seen;
    }

    private Route throughViewsAndFunctions(Statement statement, Route routed, BoundValues bound) {
        if (metadata.relations().isEmpty()) {
            return routed; // nothing is distributed: every shard answers alike
        }
        if (statement.kind() == StatementKind.DDL) {
            return ddlRoute(statement, routed);
        }
        Route withoutKey = null;
        SortedSet<String> keyedShards = new TreeSet<>();
        List<String> keyed = new ArrayList<>();
        for (TableRef table : statement.tables()) {
            if (isKnown(table)) {
                continue;
            }
            switch (reach(table, 0)) {
                case Reach.Nothing nothing -> { }
                case Reach.Unsplittable unsplittable -> throw refusedView(table, unsplittable.reason());
                case Reach.Filtered filtered -> {
                    DistributedRelation relation = filtered.relation();
                    if (statement.kind() == StatementKind.INSERT && table.equals(statement.tables().getFirst())) {
                        // the row's shard comes from its key, which the view may rename or hide
                        throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "INSERT into view " + table.qualifiedName()
                                + " over distributed relation " + relation.name() + " is not supported")
                                .withHint("Insert into " + relation.name() + " itself.");
                    }
                    if (routed instanceof Route.EveryShard) {
                        throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a statement that runs on every copy of a"
                                + " reference relation cannot read view " + table.qualifiedName() + " over distributed relation "
                                + relation.name() + ": each copy would see other rows");
                    }
                    List<String> keys = keysOf(statement, table, filtered.keyColumn(), bound);
                    if (keys != null) {
                        for (String key : keys) {
                            String shard = StatementRouter.shardOfKey(metadata, relation, List.of(key));
                            keyedShards.add(shard);
                            keyed.add("view " + table.qualifiedName() + "." + filtered.keyColumn() + " = " + key + " → " + shard);
                        }
                    } else if (withoutKey == null) {
                        String columns = keyColumns(relation);
                        withoutKey = new Route.NoKey(relation.name().toString(), columns, "view " + table.qualifiedName()
                                + " reads distributed relation " + relation.name() + " with no value for distribution key " + columns);
                    }
                }
            }
        }
        if (withoutKey != null || routed instanceof Route.NoKey) {
            return withoutKey != null ? withoutKey : routed;
        }
        Route seen = routed;
        if (!keyedShards.isEmpty()) {
            switch (routed) {
                case Route.OneShard one -> keyedShards.add(one.shard());
                case Route.ManyShards many -> keyedShards.addAll(many.shards());
                default -> { }
            }
            String reason = String.join("; ", keyed);
            seen = keyedShards.size() == 1 ? new Route.OneShard(keyedShards.first(), reason) : new Route.ManyShards(keyedShards, reason);
        }
        return finishedForCalls(statement, seen);
    }

    /**
     * A function whose body reads a distributed relation sees the rows of the shard it runs on only.
     * Where no key chose that shard, any function may be such a one. Where keys did, they chose it for
     * the statement's own relations, not for what its functions read, so one server's answer needs
     * functions that read no distributed relation; only names outside PostgreSQL's built-in list are
     * asked about, so a keyed statement calling built-ins asks no catalog. A SELECT calling SQL
     * functions that do is finished on one shard from pulled rows, the functions copied over them
     * ({@link Route.Finished}); any other such statement is refused. A routing hint never comes here:
     * it names the shard on purpose.
     */
    private Route finishedForCalls(Statement statement, Route route) {
        boolean keyless = route instanceof Route.AnyShard;
        Map<String, FinishShape.Function> spliced = new LinkedHashMap<>();
        for (FunctionRef function : statement.functions()) {
            if (!keyless && function.isBuiltIn()) {
                continue;
            }
            Dependence found = dependence(function, 0);
            if (found == null) {
                continue;
            }
            if (statement.kind() != StatementKind.SELECT) {
                throw refusedCall(found);
            }
            Dependence unspliced = splice(function, 0, spliced);
            if (unspliced != null) {
                throw refusedCall(unspliced);
            }
        }
        if (spliced.isEmpty()) {
            return route;
        }
        SortedSet<String> shards = switch (route) {
            case Route.OneShard one -> new TreeSet<>(List.of(one.shard()));
            case Route.ManyShards many -> many.shards();
            default -> new TreeSet<>(metadata.shards().keySet());
        };
        String reason = "function" + (spliced.size() > 1 ? "s " : " ") + String.join(", ", spliced.keySet())
                + " read" + (spliced.size() > 1 ? "" : "s") + " distributed relations: finished on one shard"
                + (route instanceof Route.AnyShard ? "" : " (" + route.reason() + ")");
        return new Route.Finished(shards, reason, List.copyOf(spliced.values()));
    }

    /**
     * Adds {@code function} (when its answer depends on the shard) and the functions its body calls
     * that do to {@code spliced}, to be recreated in pg_temp over the rows pulled to the finishing
     * shard; why one cannot be, or null. Only an SQL function's body can be spliced; it must be the
     * only function of its name (the copy's calls would otherwise choose among fewer overloads).
     */
    private Dependence splice(FunctionRef function, int depth, Map<String, FinishShape.Function> spliced) {
        if (function.schema() != null && SYSTEM_SCHEMAS.contains(function.schema())) {
            return null;
        }
        List<FunctionInfo> candidates = catalog.functions(function).stream().filter(info -> !info.isBuiltIn()
                && !SAFE_LANGUAGES.contains(info.language()) && !(info.inExtension() && "c".equals(info.language()))).toList();
        if (candidates.isEmpty() || dependence(function, depth) == null) {
            return null;
        }
        FunctionInfo info = candidates.getFirst();
        if (spliced.containsKey(info.qualifiedName())) {
            return null;
        }
        if (!"sql".equals(info.language())) {
            return new Dependence(info, "it is written in " + info.language() + ", so the router cannot see which relations it reads");
        }
        if (candidates.size() > 1) {
            return new Dependence(info, "it has " + candidates.size() + " overloads, of which the router copies none"
                    + " to the finishing shard");
        }
        if (depth >= MAX_DEPTH) {
            return new Dependence(info, "functions are nested more than " + MAX_DEPTH + " deep");
        }
        if (info.unspliceable() != null || info.header() == null) {
            return new Dependence(info, info.unspliceable() != null ? info.unspliceable() : "its definition was not read");
        }
        for (String other : spliced.keySet()) {
            if (spliced.get(other).name().equals(info.name())) {
                return new Dependence(info, "function " + other + " has the same name, and both would be copied to pg_temp");
            }
        }
        Analysis analysis = info.source() == null ? null : analyzer.analyze(info.source());
        if (analysis == null || !analysis.isParsed()) {
            return new Dependence(info, "its body could not be analysed");
        }
        spliced.put(info.qualifiedName(), new FinishShape.Function(info.schema(), info.name(), info.header(), info.source()));
        for (Statement statement : analysis.statements()) {
            for (FunctionRef called : statement.functions()) {
                Dependence inner = splice(called, depth + 1, spliced);
                if (inner != null) {
                    return inner.function() == info ? inner : new Dependence(info, "it calls function "
                            + inner.function().qualifiedName() + ", where " + inner.reason());
                }
            }
        }
        return null;
    }

    private static PgException refusedCall(Dependence found) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "function " + found.function().qualifiedName()
                + " may read distributed relations and would see one shard only: " + found.reason())
                .withHint("To run it on one shard on purpose, name the shard: /*__spqr__execute_on: <shard>*/ "
                        + "before the statement, or give its sharding key with /*__spqr__sharding_key: <key>*/.");
    }

    /** The key values a statement restricts a view's key column to (every use of it), or null. */
    private static List<String> keysOf(Statement statement, TableRef view, String keyColumn, BoundValues bound) {
        if (keyColumn == null) {
            return null;
        }
        for (KeyFilter filter : statement.filters()) {
            if (filter.table().equals(view) && filter.column().equals(keyColumn) && filter.hasValues()) {
                List<String> texts = new ArrayList<>();
                for (Value value : filter.values()) {
                    String text = switch (value) {
                        case Value.Literal literal -> literal.kind() == LiteralKind.NULL ? null : literal.text();
                        case Value.Param param -> bound == null ? null : bound.text(param.number());
                    };
                    if (text == null) {
                        return null;
                    }
                    texts.add(text);
                }
                return texts.isEmpty() ? null : texts;
            }
        }
        return null;
    }

    /**
     * DDL on a view over distributed relations (CREATE OR REPLACE, DROP, ALTER, REFRESH) changes an
     * object every shard holds, as DDL on the relations themselves does.
     */
    private Route ddlRoute(Statement statement, Route routed) {
        if (routed instanceof Route.EveryShard) {
            return routed;
        }
        for (TableRef table : statement.tables()) {
            if (!isKnown(table) && !(reach(table, 0) instanceof Reach.Nothing)) {
                return new Route.EveryShard(new java.util.TreeSet<>(metadata.shards().keySet()),
                        "DDL on view " + table.qualifiedName() + " over distributed relations → every shard");
            }
        }
        return routed;
    }

    /**
     * The distributed relation a table of a statement stands for: itself when distributed, the
     * relation a filtering view reads; empty otherwise.
     */
    public Optional<DistributedRelation> distributedBehind(TableRef table) {
        Optional<DistributedRelation> direct = metadata.relation(new QualifiedName(table.schema(), table.name()));
        if (direct.isPresent() || isKnown(table) || metadata.relations().isEmpty()) {
            return direct;
        }
        return reach(table, 0) instanceof Reach.Filtered filtered ? Optional.of(filtered.relation()) : Optional.empty();
    }

    /** Distributed, reference or system relations: the metadata (or PostgreSQL) says what they are. */
    private boolean isKnown(TableRef table) {
        if (table.schema() != null && SYSTEM_SCHEMAS.contains(table.schema())) {
            return true;
        }
        QualifiedName name = new QualifiedName(table.schema(), table.name());
        return metadata.relation(name).isPresent() || metadata.referenceRelation(name).isPresent();
    }

    private Reach reach(TableRef table, int depth) {
        if (isKnown(table)) {
            Optional<DistributedRelation> relation = metadata.relation(new QualifiedName(table.schema(), table.name()));
            return relation.<Reach>map(r -> new Reach.Filtered(r,
                    r.keyColumns().size() == 1 && r.keyColumns().getFirst() instanceof DistributionKeyColumn c
                            ? c.column() : null)).orElse(NOTHING);
        }
        Optional<RelationInfo> found = catalog.relation(table);
        if (found.isEmpty() || !found.get().isView() || SYSTEM_SCHEMAS.contains(found.get().schema())) {
            return NOTHING;
        }
        if (depth >= MAX_DEPTH) {
            return new Reach.Unsplittable("views are nested more than " + MAX_DEPTH + " deep");
        }
        String definition = found.get().definition();
        Analysis analysis = analyzer.analyze(definition);
        if (!analysis.isParsed() || analysis.statements().size() != 1) {
            return new Reach.Unsplittable("its definition could not be analysed");
        }
        Statement body = analysis.statements().getFirst();
        DistributedRelation read = null;
        String readThrough = null;
        TableRef readRef = null;
        String readKey = null;
        for (TableRef inner : body.tables()) {
            switch (reach(inner, depth + 1)) {
                case Reach.Nothing nothing -> { }
                case Reach.Unsplittable unsplittable -> {
                    return new Reach.Unsplittable("it reads view " + inner.qualifiedName() + ", where " + unsplittable.reason());
                }
                case Reach.Filtered filtered -> {
                    if (read != null) {
                        return new Reach.Unsplittable("it reads distributed relations " + readThrough + " and "
                                + inner.qualifiedName() + " together");
                    }
                    read = filtered.relation();
                    readThrough = inner.qualifiedName();
                    readRef = inner;
                    readKey = filtered.keyColumn();
                }
            }
        }
        if (read == null) {
            return NOTHING;
        }
        String shapeProblem = filteringProblem(definition, body, readThrough);
        return shapeProblem == null ? new Reach.Filtered(read, shownAs(definition, readRef, readKey))
                : new Reach.Unsplittable(shapeProblem);
    }

    /** The output column under which a view's select list shows {@code column} of {@code source} unchanged, or null. */
    private String shownAs(String definition, TableRef source, String column) {
        if (column == null) {
            return null;
        }
        List<SelectedColumn> selected = analyzer.selectedColumns(definition);
        if (selected == null) {
            return null;
        }
        String sourceName = source.alias() != null ? source.alias() : source.name();
        for (SelectedColumn candidate : selected) {
            if (candidate.column().equals(column) && (candidate.qualifier() == null || candidate.qualifier().equals(sourceName))) {
                return candidate.outputName();
            }
        }
        return null;
    }

    /** Why a view over one distributed relation is more than a filter and projection of it; null when it is not. */
    private String filteringProblem(String definition, Statement body, String distributed) {
        MultiShardShape shape = analyzer.multiShardShape(definition);
        if (!(shape instanceof MultiShardShape.Select select)) {
            return shape instanceof MultiShardShape.Unsupported unsupported ? unsupported.reason() : "it is not a SELECT";
        }
        if (select.aggregation() != null) {
            return "it aggregates or groups rows";
        }
        if (select.distinct()) {
            return "it has DISTINCT";
        }
        if (!select.sortKeys().isEmpty()) {
            return "it has ORDER BY";
        }
        if (select.isWindowed()) {
            return "it has LIMIT or OFFSET";
        }
        long uses = select.tables().stream().filter(t -> t.qualifiedName().equals(distributed)).count();
        boolean isRowSource = select.rowSources().stream().anyMatch(t -> t.qualifiedName().equals(distributed));
        if (uses != 1 || !isRowSource) {
            return "it reads " + distributed + " in a subquery, more than once or on the outer side of a join";
        }
        for (TableRef other : select.tables()) {
            if (!other.qualifiedName().equals(distributed) && !isReferenceOrSystem(other)) {
                return "it joins " + distributed + " with " + other.qualifiedName() + ", which is not a reference relation";
            }
        }
        if (body.functions().stream().anyMatch(f -> !isShardIndependent(f))) {
            return "it calls a function that may read other relations";
        }
        return null;
    }

    private boolean isReferenceOrSystem(TableRef table) {
        if (table.schema() != null && SYSTEM_SCHEMAS.contains(table.schema())) {
            return true;
        }
        if (metadata.referenceRelation(new QualifiedName(table.schema(), table.name())).isPresent()) {
            return true;
        }
        Optional<RelationInfo> found = catalog.relation(table);
        return found.isPresent() && SYSTEM_SCHEMAS.contains(found.get().schema());
    }

    /**
     * A function whose answer does not depend on the shard it runs on: built in, compiled into the
     * server, a C function of an extension, or an SQL function whose body reads no distributed
     * relation (directly, through views or through the functions it calls).
     */
    private boolean isShardIndependent(FunctionRef function) {
        return dependence(function, 0) == null;
    }

    /**
     * A function that writes a reference relation changes the copy on the shard the statement runs
     * on only, unless the statement runs on every copy (the caller checks that). SQL bodies are read
     * for their writes; a function in another language may write anything, which is refused where the
     * statement runs on an arbitrary shard ({@code unknownLanguages}). In a statement routed by key
     * or by a hint, other languages are not refused: the shard is chosen, and its functions are the
     * caller's responsibility (docs/correctness.md, known gaps).
     */
    private void requireNoReferenceWrite(FunctionRef function, boolean unknownLanguages) {
        Dependence found = referenceWrite(function, unknownLanguages, 0);
        if (found != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "function " + found.function().qualifiedName()
                    + " may write reference relations and would change one copy only: " + found.reason())
                    .withHint("Write reference relations in statements of their own; the router sends those to every copy.");
        }
    }

    private Dependence referenceWrite(FunctionRef function, boolean unknownLanguages, int depth) {
        if (function.schema() != null && SYSTEM_SCHEMAS.contains(function.schema())) {
            return null;
        }
        for (FunctionInfo info : catalog.functions(function)) {
            if (info.isBuiltIn() || SAFE_LANGUAGES.contains(info.language())
                    || (info.inExtension() && "c".equals(info.language()))) {
                continue;
            }
            if (!"sql".equals(info.language())) {
                if (unknownLanguages) {
                    return new Dependence(info, "it is written in " + info.language()
                            + ", so the router cannot see which relations it writes");
                }
                continue;
            }
            if (depth >= MAX_DEPTH) {
                return new Dependence(info, "functions are nested more than " + MAX_DEPTH + " deep");
            }
            Analysis analysis = info.source() == null ? null : analyzer.analyze(info.source());
            if (analysis == null || !analysis.isParsed()) {
                return new Dependence(info, "its body could not be analysed");
            }
            for (Statement statement : analysis.statements()) {
                for (dev.shardgate.sql.Write write : statement.writes()) {
                    TableRef table = write.table();
                    if (metadata.referenceRelation(new QualifiedName(table.schema(), table.name())).isPresent()) {
                        return new Dependence(info, "it writes reference relation " + table.qualifiedName());
                    }
                }
                for (FunctionRef called : statement.functions()) {
                    boolean itself = called.name().equals(info.name())
                            && (called.schema() == null || called.schema().equals(info.schema()));
                    Dependence inner = itself ? null : referenceWrite(called, unknownLanguages, depth + 1);
                    if (inner != null) {
                        return new Dependence(info, "it calls function " + inner.function().qualifiedName()
                                + ", where " + inner.reason());
                    }
                }
            }
        }
        return null;
    }

    /** Why a function's answer may depend on the shard it runs on. */
    private record Dependence(FunctionInfo function, String reason) {
    }

    private Dependence dependence(FunctionRef function, int depth) {
        if (function.schema() != null && SYSTEM_SCHEMAS.contains(function.schema())) {
            return null;
        }
        for (FunctionInfo info : catalog.functions(function)) {
            if (info.isBuiltIn() || SAFE_LANGUAGES.contains(info.language())
                    || (info.inExtension() && "c".equals(info.language()))) {
                continue;
            }
            if (!"sql".equals(info.language())) {
                return new Dependence(info, "it is written in " + info.language()
                        + ", so the router cannot see which relations it reads");
            }
            if (depth >= MAX_DEPTH) {
                return new Dependence(info, "functions are nested more than " + MAX_DEPTH + " deep");
            }
            Analysis analysis = info.source() == null ? null : analyzer.analyze(info.source());
            if (analysis == null || !analysis.isParsed()) {
                return new Dependence(info, "its body could not be analysed");
            }
            for (Statement statement : analysis.statements()) {
                for (TableRef table : statement.tables()) {
                    if (!(reach(table, depth + 1) instanceof Reach.Nothing)) {
                        return new Dependence(info, "it reads distributed relation " + table.qualifiedName());
                    }
                }
                for (FunctionRef called : statement.functions()) {
                    boolean itself = called.name().equals(info.name())
                            && (called.schema() == null || called.schema().equals(info.schema()));
                    Dependence inner = itself ? null : dependence(called, depth + 1);
                    if (inner != null) {
                        return new Dependence(info, "it calls function " + inner.function().qualifiedName()
                                + ", where " + inner.reason());
                    }
                }
            }
        }
        return null;
    }

    private static PgException refusedView(TableRef view, String reason) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "view " + view.qualifiedName()
                + " reads distributed relations in a way the router cannot split by shard: " + reason)
                .withHint("Only views that filter and project one distributed relation (joined with reference"
                        + " relations at most) can be queried through the router; query the relations directly.");
    }

    private static String keyColumns(DistributedRelation relation) {
        return String.join(", ", relation.valueColumns());
    }
}
