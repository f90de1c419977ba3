package dev.shardgate.router.route;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.InsertRow;
import dev.shardgate.sql.KeyFilter;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.TableRef;
import dev.shardgate.sql.Value;

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
        Route copied = CopiedRelations.route(metadata, statement);
        if (copied != null) {
            return copied;
        }
        SortedSet<String> shards = new TreeSet<>();
        List<KeyPlacement> placements = new ArrayList<>(2);
        DistributedRelation firstWithoutKey = null;
        for (TableRef table : statement.tables()) {
            Optional<DistributedRelation> found = metadata.relation(new QualifiedName(table.schema(), table.name()));
            if (found.isEmpty()) {
                continue;
            }
            DistributedRelation relation = found.get();
            List<List<String>> keys = keysOf(statement, table, relation, bound);
            if (keys == null) {
                if (firstWithoutKey == null) {
                    firstWithoutKey = relation;
                }
                continue;
            }
            for (List<String> key : keys) {
                KeyBound bound0 = KeyErrors.call(() -> metadata.routingKeyFromText(relation, key));
                String shard = shardOf(metadata, relation.distributionId(), bound0);
                shards.add(shard);
                placements.add(new KeyPlacement(relation, key, shard));
            }
        }
        // Every use of a distributed relation must be pinned to a key: a join with an unrestricted
        // copy of a sharded table could need rows from any shard.
        if (firstWithoutKey != null) {
            return new Route.NoKey(firstWithoutKey.name().toString(), keyColumns(firstWithoutKey),
                    "no value for distribution key " + keyColumns(firstWithoutKey) + " of relation " + firstWithoutKey.name());
        }
        if (!shards.isEmpty()) {
            Supplier<String> reason = () -> "key " + placements.stream().map(KeyPlacement::describe).collect(Collectors.joining("; "));
            return shards.size() == 1 ? new Route.OneShard(shards.first(), reason) : new Route.ManyShards(shards, reason);
        }
        Route reference = CopiedRelations.readRoute(metadata, statement);
        return reference != null ? reference : new Route.AnyShard("no distributed relation");
    }

    /**
     * The shard of each row an INSERT writes into {@code table} (a distributed relation), in VALUES
     * order; null when some row names no complete key. A locked range is reported with
     * {@link KeyRangeLocked}.
     */
    public static List<String> insertRowShards(Metadata metadata, Statement statement, DistributedRelation relation,
                                               BoundValues bound) {
        List<String> shards = new ArrayList<>();
        for (InsertRow row : statement.insertRows()) {
            List<String> key = new ArrayList<>();
            for (DistributionKeyColumn column : relation.keyColumns()) {
                String text = textOf(row.values().get(column.column()), bound);
                if (text == null) {
                    return null;
                }
                key.add(text);
            }
            KeyBound routingKey = KeyErrors.call(() -> metadata.routingKeyFromText(relation, key));
            shards.add(shardOf(metadata, relation.distributionId(), routingKey));
        }
        return shards;
    }

    /** The shard of one row of {@code relation} whose key columns hold these texts (COPY rows). */
    public static String shardOfKey(Metadata metadata, DistributedRelation relation, List<String> keyTexts) {
        KeyBound key = KeyErrors.call(() -> metadata.routingKeyFromText(relation, keyTexts));
        return shardOf(metadata, relation.distributionId(), key);
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
    static String shardOf(Metadata metadata, String distributionId, KeyBound key) {
        Optional<KeyRange> range = KeyErrors.call(() -> metadata.index(distributionId).rangeFor(key));
        if (range.isPresent()) {
            if (range.get().locked()) {
                throw new KeyRangeLocked(range.get().id());
            }
            return range.get().shardId();
        }
        return KeyErrors.call(() -> metadata.distribution(distributionId).flatMap(d -> d.defaultShard()))
                .orElseThrow(() -> KeyErrors.noRange(distributionId, key));
    }

    /** Routes SPQR's sharding-key hint: the key given as text for a distribution. */
    public static Route routeHintedKey(Metadata metadata, String distributionId, String keyText) {
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
        String shard = shardOf(metadata, distributionId, key);
        return new Route.OneShard(shard, "hint sharding_key " + keyText + " in distribution " + distributionId + " → " + shard);
    }

    /** The key tuples (as text) the statement names for this table, or null when it names none completely. */
    private static List<List<String>> keysOf(Statement statement, TableRef table, DistributedRelation relation, BoundValues bound) {
        List<List<String>> fromRows = keysOfInsertRows(statement, table, relation, bound);
        if (fromRows != null) {
            return fromRows;
        }
        List<List<String>> tuples = new ArrayList<>();
        tuples.add(List.of());
        for (DistributionKeyColumn column : relation.keyColumns()) {
            List<String> values = valuesOf(statement, table, column.column(), bound);
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

    private static List<List<String>> keysOfInsertRows(Statement statement, TableRef table, DistributedRelation relation,
                                                       BoundValues bound) {
        List<List<String>> keys = new ArrayList<>();
        for (InsertRow row : statement.insertRows()) {
            if (!row.table().equals(table)) {
                continue;
            }
            List<String> key = new ArrayList<>();
            for (DistributionKeyColumn column : relation.keyColumns()) {
                String text = textOf(row.values().get(column.column()), bound);
                if (text == null) {
                    return null;
                }
                key.add(text);
            }
            keys.add(key);
        }
        return keys.isEmpty() ? null : keys;
    }

    /** The values a statement's filters allow for one column, or null when it does not pin the column. */
    private static List<String> valuesOf(Statement statement, TableRef table, String column, BoundValues bound) {
        for (KeyFilter filter : statement.filters()) {
            if (filter.table().equals(table) && filter.column().equals(column)) {
                List<String> texts = new ArrayList<>(filter.values().size());
                for (Value value : filter.values()) {
                    String text = textOf(value, bound);
                    if (text == null) {
                        return null;
                    }
                    texts.add(text);
                }
                return texts;
            }
        }
        return null;
    }

    private static String textOf(Value value, BoundValues bound) {
        return switch (value) {
            case null -> null;
            case Value.Literal literal -> literal.kind() == dev.shardgate.sql.LiteralKind.NULL ? null : literal.text();
            case Value.Param param -> bound == null ? null : bound.text(param.number());
        };
    }

    private static String keyColumns(DistributedRelation relation) {
        return relation.keyColumns().stream().map(DistributionKeyColumn::column).collect(Collectors.joining(", "));
    }

    /** The route a set of statements of one query string takes together. */
    public static Route combine(List<Route> routes) {
        if (routes.size() == 1 && !(routes.getFirst() instanceof Route.AnyShard)) {
            return routes.getFirst(); // what the loop below would rebuild
        }
        SortedSet<String> shards = new TreeSet<>();
        Route.EveryShard everyShard = null;
        Route.NoKey noKey = null;
        List<Route> placed = new ArrayList<>(routes.size());
        for (Route route : routes) {
            switch (route) {
                case Route.OneShard one -> {
                    shards.add(one.shard());
                    placed.add(one);
                }
                case Route.ManyShards many -> {
                    shards.addAll(many.shards());
                    placed.add(many);
                }
                case Route.NoKey missing -> noKey = noKey == null ? missing : noKey;
                case Route.AnyShard any -> { }
                case Route.EveryShard every -> {
                    SortedSet<String> all = new TreeSet<>(every.shards());
                    if (everyShard != null) {
                        all.addAll(everyShard.shards());
                    }
                    everyShard = new Route.EveryShard(all, every.reason());
                }
            }
        }
        if (everyShard != null) {
            return everyShard; // TransactionRouter refuses it: such statements must come one per query
        }
        Supplier<String> reason = () -> placed.stream().map(Route::reason).collect(Collectors.joining("; "));
        if (shards.size() == 1) {
            return new Route.OneShard(shards.first(), reason);
        }
        if (shards.size() > 1) {
            return new Route.ManyShards(shards, reason);
        }
        return noKey != null ? noKey : new Route.AnyShard("no distributed relation");
    }

}
