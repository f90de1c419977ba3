package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.InsertRow;
import dev.shardgate.sql.KeyFilter;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.TableRef;
import dev.shardgate.sql.Value;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides where one analysed statement runs: the shards owning the keys it names for its distributed
 * relations. Pure: metadata and statement in, {@link Route} out.
 *
 * <p>A statement whose every use of a distributed relation is pinned to keys goes where those keys
 * live; one with any use not pinned is {@link Route.NoKey}, so a statement is never sent to a shard
 * that may lack some of its rows.
 */
public final class StatementRouter {
    /** More key combinations than this (IN lists of composite keys) are not worth enumerating. */
    private static final int MAX_KEYS = 10_000;

    private StatementRouter() {
    }

    public static Route route(Metadata metadata, Statement statement, BoundValues bound) {
        AnonymousBlocks.refuseWithoutHint(metadata, statement);
        RowPlacement.check(metadata, statement, bound);
        Route maintained = Maintenance.route(metadata, statement);
        if (maintained != null) {
            return maintained;
        }
        Route copied = CopiedRelations.route(metadata, statement);
        if (copied != null) {
            return copied;
        }
        Route route = KeyUpdates.route(metadata, statement, bound, routeByKeys(metadata, statement, bound));
        return RowPlacement.requireRowsOnRoute(metadata, statement, route);
    }

    private static Route routeByKeys(Metadata metadata, Statement statement, BoundValues bound) {
        SortedSet<String> shards = new TreeSet<>();
        List<KeyPlacement> placements = new ArrayList<>(2);
        List<String> keysOfNoRow = new ArrayList<>(0);
        DistributedRelation firstWithoutKey = null;
        String whyWithoutKey = null;
        List<String> rangeReasons = new ArrayList<>(0);
        DistributedRelation rangeRelation = null;
        for (TableRef table : statement.tables()) {
            Optional<DistributedRelation> found = metadata.relation(new QualifiedName(table.schema(), table.name()));
            if (found.isEmpty()) {
                continue;
            }
            DistributedRelation relation = found.get();
            List<List<String>> newRows = newRowKeys(metadata, statement, table, relation, bound);
            if (newRows != null) {
                for (List<String> key : newRows) {
                    String shard = shardOfNewRow(metadata, relation, key);
                    shards.add(shard);
                    placements.add(new KeyPlacement(relation, key, shard));
                }
            }
            // The rows' keys are among these when the statement's other uses of the table are pinned too.
            List<List<String>> keys = filterKeys(metadata, statement, table, relation, bound);
            if (keys == null) {
                switch (IntersectingRanges.of(metadata, statement, table, relation, bound)) {
                    case IntersectingRanges.Outcome.Shards intersecting -> {
                        shards.addAll(intersecting.shards());
                        rangeReasons.add(intersecting.reason());
                        rangeRelation = rangeRelation == null ? relation : rangeRelation;
                    }
                    case IntersectingRanges.Outcome.NoRow noRow -> keysOfNoRow.add(noRow.reason());
                    case IntersectingRanges.Outcome.Unknown unknown -> {
                        if (firstWithoutKey == null) {
                            firstWithoutKey = relation;
                            whyWithoutKey = unknown.reason();
                        }
                    }
                }
                continue;
            }
            for (List<String> key : keys) {
                Optional<String> shard = shardHolding(metadata, relation, key);
                if (shard.isPresent()) {
                    shards.add(shard.get());
                    placements.add(new KeyPlacement(relation, key, shard.get()));
                } else {
                    keysOfNoRow.add(relation.name().name() + "." + keyColumns(relation) + " = " + String.join(", ", key));
                }
            }
        }
        // Every use of a distributed relation must be pinned to a key: a join with an unrestricted
        // copy of a sharded table could need rows from any shard.
        if (firstWithoutKey != null) {
            return new Route.NoKey(firstWithoutKey.name().toString(), keyColumns(firstWithoutKey),
                    "no value for distribution key " + keyColumns(firstWithoutKey) + " of relation " + firstWithoutKey.name()
                            + (whyWithoutKey == null ? "" : ": " + whyWithoutKey));
        }
        if (!shards.isEmpty()) {
            Supplier<String> reason = () -> {
                List<String> parts = new ArrayList<>(rangeReasons);
                if (!placements.isEmpty()) {
                    parts.addFirst("key " + placements.stream().map(KeyPlacement::describe).collect(Collectors.joining("; ")));
                }
                return String.join("; ", parts);
            };
            if (shards.size() == 1) {
                return new Route.OneShard(shards.first(), reason);
            }
            // Ranges of keys on several shards are a multi-shard read the policy allows (ALLOW) or refuses (BLOCK).
            return rangeRelation != null
                    ? new Route.NoKey(rangeRelation.name().toString(), keyColumns(rangeRelation), reason.get(), shards)
                    : new Route.ManyShards(shards, reason);
        }
        Route reference = CopiedRelations.readRoute(metadata, statement);
        if (reference != null) {
            return reference;
        }
        // A key no range holds (below the first range, 1000.5 for an integer): no shard has such rows,
        // so any shard gives PostgreSQL's answer, no rows.
        return new Route.AnyShard(keysOfNoRow.isEmpty() ? "no distributed relation"
                : "no key range holds " + String.join("; ", keysOfNoRow) + ": no row has such a key");
    }

    /**
     * The route of a co-located SELECT whose rows all share their key with those of {@code table},
     * restricted to {@code values} (see PinnedKey): the one shard holding those keys, any shard when
     * none can, or null when they lie on several shards or are not known.
     */
    public static Route routePinned(Metadata metadata, TableRef table, List<Value> values, BoundValues bound, Route missing) {
        Optional<DistributedRelation> found = metadata.relation(new QualifiedName(table.schema(), table.name()));
        if (found.isEmpty() || found.get().keyColumns().size() != 1) {
            return null;
        }
        DistributedRelation relation = found.get();
        ColumnType type = typeAt(columnTypes(metadata, relation), 0);
        SortedSet<String> shards = new TreeSet<>();
        List<String> keys = new ArrayList<>();
        for (Value value : values) {
            switch (KeyValues.of(value, type, false, bound)) {
                case KeyValues.Key.Text text -> {
                    shardHolding(metadata, relation, List.of(text.text())).ifPresent(shards::add);
                    keys.add(text.text());
                }
                case KeyValues.Key.NoRow noRow -> { }
                case KeyValues.Key.Unknown unknown -> {
                    return null;
                }
            }
        }
        String pinned = relation.name().name() + "." + keyColumns(relation) + " = " + String.join(", ", keys);
        if (shards.isEmpty()) {
            return new Route.AnyShard("co-located with " + pinned + ", which no key range holds: no row has such a key");
        }
        if (shards.size() > 1) {
            return null;
        }
        return new Route.OneShard(shards.first(), () -> missing.reason() + "; but co-located on the key with " + pinned
                + " → " + shards.first());
    }

    /**
     * The shard of each row an INSERT writes into {@code table} (a distributed relation), in VALUES
     * order; null when some row names no complete key. A locked range is reported with
     * {@link KeyRangeLocked}.
     */
    public static List<String> insertRowShards(Metadata metadata, Statement statement, DistributedRelation relation,
                                               BoundValues bound) {
        List<String> shards = new ArrayList<>();
        List<ColumnType> types = columnTypes(metadata, relation);
        for (InsertRow row : statement.insertRows()) {
            List<String> key = newRowKey(row, relation, types, bound);
            if (key == null) {
                return null;
            }
            shards.add(shardOfNewRow(metadata, relation, key));
        }
        return shards;
    }

    /** The shard of one row of {@code relation} whose key columns hold these texts (COPY rows). */
    public static String shardOfKey(Metadata metadata, DistributedRelation relation, List<String> keyTexts) {
        return shardOfNewRow(metadata, relation, keyTexts);
    }

    /**
     * The shard a new row with this key must go to; a key no range holds (and no default shard takes)
     * is refused as PostgreSQL refuses a row no partition accepts (23514).
     */
    static String shardOfNewRow(Metadata metadata, DistributedRelation relation, List<String> key) {
        KeyBound bound = KeyErrors.call(() -> metadata.routingKeyFromText(relation, key));
        return shardOf(metadata, relation.distributionId(), bound).orElseThrow(() ->
                new PgException(SqlState.CHECK_VIOLATION, "no key range of relation \"" + relation.name() + "\" found for row")
                        .withDetail("Distribution key of the failing row contains (" + keyColumns(relation) + ") = ("
                                + String.join(", ", key) + ").")
                        .withHint("Create a key range of distribution \"" + relation.distributionId()
                                + "\" starting at or below it, or give the distribution a DEFAULT SHARD."));
    }

    /** The shard holding existing rows with this key; empty when no shard may hold any. */
    private static Optional<String> shardHolding(Metadata metadata, DistributedRelation relation, List<String> key) {
        KeyBound bound = KeyErrors.call(() -> metadata.routingKeyFromText(relation, key));
        return shardOf(metadata, relation.distributionId(), bound);
    }

    /** A key the statement names and the shard it lives on: the words of a route's reason. */
    private record KeyPlacement(DistributedRelation relation, List<String> key, String shard) {
        String describe() {
            return relation.name().name() + "." + keyColumns(relation) + " = " + String.join(", ", key) + " → " + shard;
        }
    }

    /**
     * The shard owning a key; a locked range (being moved) is reported with {@link KeyRangeLocked}
     * so the caller can wait for it.
     */
    static Optional<String> shardOf(Metadata metadata, String distributionId, KeyBound key) {
        Optional<KeyRange> range = KeyErrors.call(() -> metadata.index(distributionId).rangeFor(key));
        if (range.isPresent()) {
            if (range.get().locked()) {
                throw new KeyRangeLocked(range.get().id());
            }
            return Optional.of(range.get().shardId());
        }
        return KeyErrors.call(() -> metadata.distribution(distributionId).flatMap(d -> d.defaultShard()));
    }

    /** Routes SPQR's sharding-key hint: the key given as text for a distribution. */
    public static Route.OneShard routeHintedKey(Metadata metadata, String distributionId, String keyText) {
        List<String> texts = java.util.Arrays.stream(keyText.split(",")).map(String::strip).toList();
        List<DistributedRelation> relations = KeyErrors.call(() -> metadata.relationsOf(distributionId));
        KeyBound key;
        if (!relations.isEmpty()) {
            key = KeyErrors.call(() -> metadata.routingKeyFromText(relations.get(0), texts));
        } else {
            key = KeyErrors.call(() -> metadata.distribution(distributionId)
                    .orElseThrow(() -> new dev.shardgate.meta.MetadataException("42704",
                            "distribution \"" + distributionId + "\" does not exist"))
                    .parseBound(texts));
        }
        String shard = shardOf(metadata, distributionId, key).orElseThrow(() -> KeyErrors.noRange(distributionId, key));
        return new Route.OneShard(shard, "hint sharding_key " + keyText + " in distribution " + distributionId + " → " + shard);
    }

    /**
     * SPQR's {@code __spqr__route_key(distribution, key)}: the shard a key given as text belongs to,
     * read as the keys of {@code relation} are (its hash functions) or, without one, of the
     * distribution's first relation. A locked range still names its shard: nothing is routed here.
     *
     * @throws PgException 42704 for an unknown distribution or relation, 22P02/42804 for a key that
     *     does not fit, 23514 when no range holds the key and there is no default shard
     */
    public static String shardOfKeyText(Metadata metadata, String distributionId, QualifiedName relation, String keyText) {
        List<String> texts = java.util.Arrays.stream(keyText.split(",")).map(String::strip).toList();
        List<DistributedRelation> relations = KeyErrors.call(() -> metadata.relationsOf(distributionId));
        DistributedRelation chosen = null;
        if (relation != null) {
            chosen = metadata.relation(relation).filter(r -> r.distributionId().equals(distributionId)).orElseThrow(() ->
                    new PgException(SqlState.UNDEFINED_OBJECT, "relation \"" + relation + "\" is not attached to distribution \""
                            + distributionId + "\""));
        } else if (!relations.isEmpty()) {
            chosen = relations.get(0);
        }
        DistributedRelation keyed = chosen;
        KeyBound key = keyed != null ? KeyErrors.call(() -> metadata.routingKeyFromText(keyed, texts))
                : KeyErrors.call(() -> metadata.distribution(distributionId)
                        .orElseThrow(() -> new dev.shardgate.meta.MetadataException("42704",
                                "distribution \"" + distributionId + "\" does not exist"))
                        .parseBound(texts));
        return KeyErrors.call(() -> metadata.shardFor(distributionId, key)).orElseThrow(() -> KeyErrors.noRange(distributionId, key));
    }

    /**
     * The key tuples (as text) the statement's filters allow for this table, or null when they pin
     * none completely. Values no row can have ({@code id = 1000.5} for an integer key) are left out.
     */
    static List<List<String>> filterKeys(Metadata metadata, Statement statement, TableRef table,
                                                 DistributedRelation relation, BoundValues bound) {
        List<ColumnType> types = columnTypes(metadata, relation);
        List<String> columns = relation.valueColumns();
        if (columns.size() == 1) { // the common case, on every routed statement
            List<String> values = valuesOf(statement, table, columns.getFirst(), typeAt(types, 0), bound);
            if (values == null || values.size() > MAX_KEYS) {
                return null;
            }
            List<List<String>> keys = new ArrayList<>(values.size());
            for (String value : values) {
                keys.add(List.of(value));
            }
            return keys;
        }
        List<List<String>> tuples = new ArrayList<>();
        tuples.add(List.of());
        for (int i = 0; i < columns.size(); i++) {
            List<String> values = valuesOf(statement, table, columns.get(i), typeAt(types, i), bound);
            if (values == null) {
                return null;
            }
            List<List<String>> extended = new ArrayList<>();
            for (List<String> tuple : tuples) {
                for (String value : values) {
                    List<String> longer = new ArrayList<>(tuple);
                    longer.add(value);
                    extended.add(longer);
                }
            }
            if (extended.size() > MAX_KEYS) {
                return null;
            }
            tuples = extended;
        }
        return tuples;
    }

    /**
     * The keys of the rows the statement inserts into {@code table}, in order; null when it inserts
     * none or some row's key is not known.
     */
    static List<List<String>> newRowKeys(Metadata metadata, Statement statement, TableRef table,
                                         DistributedRelation relation, BoundValues bound) {
        if (statement.insertRows().isEmpty()) {
            return null;
        }
        List<ColumnType> types = columnTypes(metadata, relation);
        List<List<String>> keys = new ArrayList<>();
        for (InsertRow row : statement.insertRows()) {
            if (!row.table().equals(table)) {
                continue;
            }
            List<String> key = newRowKey(row, relation, types, bound);
            if (key == null) {
                return null;
            }
            keys.add(key);
        }
        return keys.isEmpty() ? null : keys;
    }

    private static List<String> newRowKey(InsertRow row, DistributedRelation relation, List<ColumnType> types,
                                          BoundValues bound) {
        List<String> columns = relation.valueColumns();
        List<String> key = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            if (!(KeyValues.of(row.values().get(columns.get(i)), typeAt(types, i), true, bound)
                    instanceof KeyValues.Key.Text text)) {
                return null;
            }
            key.add(text.text());
        }
        return key;
    }

    /**
     * The values a statement's filters allow for one column, less those no row can have; null when
     * it does not pin the column.
     */
    private static List<String> valuesOf(Statement statement, TableRef table, String column, ColumnType type,
                                         BoundValues bound) {
        for (KeyFilter filter : statement.filters()) {
            if (filter.table().equals(table) && filter.column().equals(column) && filter.hasValues()) {
                List<String> texts = new ArrayList<>(filter.values().size());
                for (Value value : filter.values()) {
                    switch (KeyValues.of(value, type, false, bound)) {
                        case KeyValues.Key.Text text -> texts.add(text.text());
                        case KeyValues.Key.NoRow noRow -> { }
                        case KeyValues.Key.Unknown unknown -> {
                            return null;
                        }
                    }
                }
                return texts;
            }
        }
        return null;
    }

    /** Null past the distribution's columns: the key is then refused by its length when routed. */
    static ColumnType typeAt(List<ColumnType> types, int i) {
        return i < types.size() ? types.get(i) : null;
    }

    /**
     * A statement routed by a hint ({@code __spqr__execute_on}, {@code __spqr__sharding_key}) to
     * {@code shard}: refused when it would write a row of a distributed relation there that the
     * shard's key ranges do not hold.
     */
    public static void checkHinted(Metadata metadata, Statement statement, BoundValues bound, String shard) {
        RowPlacement.requireRowsOn(metadata, statement, bound, shard);
    }

    /** The type of each of the relation's value columns (a routing expression's columns each have their own). */
    static List<ColumnType> columnTypes(Metadata metadata, DistributedRelation relation) {
        return KeyErrors.call(() -> metadata.valueTypes(relation));
    }

    private static String keyColumns(DistributedRelation relation) {
        return String.join(", ", relation.valueColumns());
    }
}
