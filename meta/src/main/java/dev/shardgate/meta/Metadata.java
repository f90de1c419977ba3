package dev.shardgate.meta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a router needs to route, as one immutable snapshot: shards, distributions, relations,
 * reference relations and key ranges, with one {@link KeyRangeIndex} per distribution built with
 * the snapshot. Changes produce a new snapshot ({@link #apply}); whoever holds the current one
 * swaps it atomically.
 */
public final class Metadata {
    private static final Metadata EMPTY = new Metadata(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
            new TreeMap<>(), new TreeMap<>(), Map.of(), new TreeMap<>());

    private final SortedMap<String, Shard> shards;
    private final SortedMap<String, Distribution> distributions;
    private final SortedMap<QualifiedName, DistributedRelation> relations;
    private final SortedMap<QualifiedName, ReferenceRelation> referenceRelations;
    private final SortedMap<String, KeyRange> keyRanges;
    private final Map<String, KeyRangeIndex> indexes;
    private final SortedMap<String, UniqueIndex> uniqueIndexes;

    Metadata(SortedMap<String, Shard> shards, SortedMap<String, Distribution> distributions,
             SortedMap<QualifiedName, DistributedRelation> relations,
             SortedMap<QualifiedName, ReferenceRelation> referenceRelations,
             SortedMap<String, KeyRange> keyRanges, Map<String, KeyRangeIndex> indexes,
             SortedMap<String, UniqueIndex> uniqueIndexes) {
        this.shards = Collections.unmodifiableSortedMap(new TreeMap<>(shards));
        this.distributions = Collections.unmodifiableSortedMap(new TreeMap<>(distributions));
        this.relations = Collections.unmodifiableSortedMap(new TreeMap<>(relations));
        this.referenceRelations = Collections.unmodifiableSortedMap(new TreeMap<>(referenceRelations));
        this.keyRanges = Collections.unmodifiableSortedMap(new TreeMap<>(keyRanges));
        this.indexes = Map.copyOf(indexes);
        this.uniqueIndexes = Collections.unmodifiableSortedMap(new TreeMap<>(uniqueIndexes));
    }

    public static Metadata empty() {
        return EMPTY;
    }

    /** Validates and applies one change. */
    public Metadata apply(MetadataChange change) {
        return apply(List.of(change));
    }

    /**
     * Applies the changes in order, each validated against the result of the ones before it, and
     * returns the new snapshot; if any change is refused nothing is applied and this snapshot stays
     * as it was.
     *
     * @throws MetadataException naming the refused change's object, with its SQLSTATE
     */
    public Metadata apply(List<? extends MetadataChange> changes) {
        MetadataDraft draft = new MetadataDraft(this);
        for (MetadataChange change : changes) {
            draft.apply(change);
        }
        return draft.build();
    }

    /** Changes that rebuild this snapshot from {@link #empty()}, in an order that validates. */
    public List<MetadataChange> asChanges() {
        List<MetadataChange> changes = new ArrayList<>();
        shards.values().forEach(shard -> changes.add(new MetadataChange.CreateShard(shard)));
        distributions.values().forEach(distribution -> changes.add(new MetadataChange.CreateDistribution(distribution)));
        relations.values().forEach(relation -> changes.add(new MetadataChange.AttachRelation(relation)));
        referenceRelations.values().forEach(relation -> changes.add(new MetadataChange.CreateReferenceRelation(relation)));
        keyRanges.values().forEach(range -> changes.add(new MetadataChange.CreateKeyRange(range)));
        uniqueIndexes.values().forEach(index -> changes.add(new MetadataChange.CreateUniqueIndex(index)));
        return changes;
    }

    /** SPQR's unique indexes, by id: metadata only (see {@link UniqueIndex}). */
    public SortedMap<String, UniqueIndex> uniqueIndexes() {
        return uniqueIndexes;
    }

    public SortedMap<String, Shard> shards() {
        return shards;
    }

    public Optional<Shard> shard(String id) {
        return Optional.ofNullable(shards.get(id));
    }

    public SortedMap<String, Distribution> distributions() {
        return distributions;
    }

    public Optional<Distribution> distribution(String id) {
        return Optional.ofNullable(distributions.get(id));
    }

    /** Distributed relations by name. */
    public SortedMap<QualifiedName, DistributedRelation> relations() {
        return relations;
    }

    /** The distributed relation; an unqualified name means schema {@code public}. */
    public Optional<DistributedRelation> relation(QualifiedName name) {
        return Optional.ofNullable(relations.get(name));
    }

    /** The relation and column a sequence fills, if any relation uses the sequence. */
    public Optional<SequenceUse> sequenceUse(String sequenceName) {
        return Optional.ofNullable(sequenceUses().get(sequenceName));
    }

    /** Every sequence a relation (distributed or reference) uses, by name. */
    public SortedMap<String, SequenceUse> sequenceUses() {
        SortedMap<String, SequenceUse> uses = new TreeMap<>();
        for (DistributedRelation relation : relations.values()) {
            for (AutoIncrementColumn column : relation.autoIncrement()) {
                String name = relation.sequenceName(column);
                uses.put(name, new SequenceUse(name, relation.name(), column));
            }
        }
        for (ReferenceRelation relation : referenceRelations.values()) {
            for (AutoIncrementColumn column : relation.autoIncrement()) {
                String name = relation.sequenceName(column);
                uses.put(name, new SequenceUse(name, relation.name(), column));
            }
        }
        return uses;
    }

    /** A sequence in use: it fills {@code column} of {@code relation}. */
    public record SequenceUse(String sequenceName, QualifiedName relation, AutoIncrementColumn column) {
    }

    public List<DistributedRelation> relationsOf(String distributionId) {
        return relations.values().stream().filter(r -> r.distributionId().equals(distributionId)).toList();
    }

    public SortedMap<QualifiedName, ReferenceRelation> referenceRelations() {
        return referenceRelations;
    }

    public Optional<ReferenceRelation> referenceRelation(QualifiedName name) {
        return Optional.ofNullable(referenceRelations.get(name));
    }

    /** Key ranges of all distributions by id. */
    public SortedMap<String, KeyRange> keyRanges() {
        return keyRanges;
    }

    public Optional<KeyRange> keyRange(String id) {
        return Optional.ofNullable(keyRanges.get(id));
    }

    /**
     * The distribution's key ranges, sorted, ready for lookups.
     *
     * @throws MetadataException 42704 when there is no such distribution
     */
    public KeyRangeIndex index(String distributionId) {
        KeyRangeIndex index = indexes.get(distributionId);
        if (index == null) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                    "distribution " + MetadataException.quote(distributionId) + " does not exist");
        }
        return index;
    }

    /**
     * The shard of the key range holding {@code key}, or else the distribution's default shard, or
     * else empty. Locks are not considered: a router that must hold keys of locked ranges looks at
     * {@code index(distributionId).rangeFor(key)} itself.
     *
     * @throws MetadataException 42704 for an unknown distribution, 42804 when the key does not fit
     */
    public Optional<String> shardFor(String distributionId, KeyBound key) {
        Optional<KeyRange> range = index(distributionId).rangeFor(key);
        if (range.isPresent()) {
            return Optional.of(range.get().shardId());
        }
        return distributions.get(distributionId).defaultShard();
    }

    /**
     * The key of a row of {@code relation} from the raw values of its {@link
     * DistributedRelation#valueColumns() value columns}, in that order (see {@link ColumnType#keyOf}).
     */
    public KeyBound routingKey(DistributedRelation relation, List<?> rawValues) {
        List<ColumnType> types = columnTypesFor(relation, rawValues.size());
        List<KeyValue> values = new ArrayList<>(types.size());
        int next = 0;
        for (int i = 0; i < types.size(); i++) {
            DistributionKeyEntry entry = relation.keyColumns().get(i);
            int count = entry.valueColumns().size();
            List<?> entryValues = rawValues.subList(next, next + count);
            values.add(switch (entry) {
                case DistributionKeyColumn column -> types.get(i).keyOf(column.hash(), entryValues.getFirst());
                case RoutingExpression expression -> expression.keyOf(entryValues);
            });
            next += count;
        }
        return new KeyBound(values);
    }

    /** Like {@link #routingKey} for values in PostgreSQL's text format (see {@link ColumnType#keyOfText}). */
    public KeyBound routingKeyFromText(DistributedRelation relation, List<String> texts) {
        List<ColumnType> types = columnTypesFor(relation, texts.size());
        List<KeyValue> values = new ArrayList<>(types.size());
        int next = 0;
        for (int i = 0; i < types.size(); i++) {
            DistributionKeyEntry entry = relation.keyColumns().get(i);
            int count = entry.valueColumns().size();
            List<String> entryTexts = texts.subList(next, next + count);
            values.add(switch (entry) {
                case DistributionKeyColumn column -> types.get(i).keyOfText(column.hash(), entryTexts.getFirst());
                case RoutingExpression expression -> expression.keyOfText(entryTexts);
            });
            next += count;
        }
        return new KeyBound(values);
    }

    /**
     * The type each of {@code relation}'s {@link DistributedRelation#valueColumns() value columns}
     * is read as: a key column's is the distribution's type at its position, a routing expression's
     * column's is its own.
     *
     * @throws MetadataException 42704 when the relation's distribution does not exist
     */
    public List<ColumnType> valueTypes(DistributedRelation relation) {
        List<ColumnType> distributionTypes = requireDistributionOf(relation).columnTypes();
        if (!relation.hasRoutingExpression()) { // every statement routed by key asks: build nothing
            int n = Math.min(relation.keyColumns().size(), distributionTypes.size());
            return n == distributionTypes.size() ? distributionTypes : distributionTypes.subList(0, n);
        }
        List<ColumnType> types = new ArrayList<>();
        for (int i = 0; i < relation.keyColumns().size(); i++) {
            switch (relation.keyColumns().get(i)) {
                case DistributionKeyColumn _ -> {
                    if (i < distributionTypes.size()) {
                        types.add(distributionTypes.get(i));
                    }
                }
                case RoutingExpression expression -> types.addAll(expression.valueTypes());
            }
        }
        return types;
    }

    private Distribution requireDistributionOf(DistributedRelation relation) {
        return distribution(relation.distributionId()).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_OBJECT,
                        "distribution " + MetadataException.quote(relation.distributionId()) + " does not exist"));
    }

    private List<ColumnType> columnTypesFor(DistributedRelation relation, int valueCount) {
        Distribution distribution = requireDistributionOf(relation);
        int expected = relation.valueColumnCount();
        if (distribution.columnTypes().size() != relation.keyColumns().size() || valueCount != expected) {
            throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                    "relation " + MetadataException.quote(relation.name().toString()) + " has "
                            + expected + " distribution key column"
                            + (expected == 1 ? "" : "s") + " but " + valueCount
                            + (valueCount == 1 ? " value was" : " values were") + " given");
        }
        return distribution.columnTypes();
    }

    Map<String, KeyRangeIndex> indexes() {
        return indexes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Metadata that
                && shards.equals(that.shards)
                && distributions.equals(that.distributions)
                && relations.equals(that.relations)
                && referenceRelations.equals(that.referenceRelations)
                && keyRanges.equals(that.keyRanges)
                && uniqueIndexes.equals(that.uniqueIndexes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shards, distributions, relations, referenceRelations, keyRanges, uniqueIndexes);
    }

    @Override
    public String toString() {
        return "Metadata[shards=" + shards.keySet() + ", distributions=" + distributions.keySet()
                + ", relations=" + relations.keySet() + ", referenceRelations=" + referenceRelations.keySet()
                + ", keyRanges=" + keyRanges.keySet() + "]";
    }
}
