package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataException.quote;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A private, mutable copy of a snapshot that a batch of changes is validated against and applied
 * to. It never escapes: {@link Metadata#apply} returns {@link #build()} or throws, so a refused
 * change leaves nothing half-applied.
 */
final class MetadataDraft {
    final TreeMap<String, Shard> shards;
    final TreeMap<String, Distribution> distributions;
    final TreeMap<QualifiedName, DistributedRelation> relations;
    final TreeMap<QualifiedName, ReferenceRelation> referenceRelations;
    final TreeMap<String, KeyRange> keyRanges;
    final TreeMap<String, UniqueIndex> uniqueIndexes;
    private final Map<String, KeyRangeIndex> untouchedIndexes;
    /** Ranges by lower bound of the distributions this batch changes ranges of. */
    private final Map<String, TreeMap<KeyBound, KeyRange>> touchedRanges = new HashMap<>();

    MetadataDraft(Metadata base) {
        shards = new TreeMap<>(base.shards());
        distributions = new TreeMap<>(base.distributions());
        relations = new TreeMap<>(base.relations());
        referenceRelations = new TreeMap<>(base.referenceRelations());
        keyRanges = new TreeMap<>(base.keyRanges());
        uniqueIndexes = new TreeMap<>(base.uniqueIndexes());
        untouchedIndexes = new HashMap<>(base.indexes());
    }

    void apply(MetadataChange change) {
        switch (change) {
            case MetadataChange.CreateShard c -> TopologyChanges.createShard(this, c.shard());
            case MetadataChange.DropShard c -> TopologyChanges.dropShard(this, c.shardId());
            case MetadataChange.AddShardHosts c -> ShardHostChanges.add(this, c.shardId(), c.hosts());
            case MetadataChange.DropShardHosts c -> ShardHostChanges.drop(this, c.shardId(), c.hosts());
            case MetadataChange.CreateDistribution c -> TopologyChanges.createDistribution(this, c.distribution());
            case MetadataChange.DropDistribution c ->
                    TopologyChanges.dropDistribution(this, c.distributionId(), c.cascade());
            case MetadataChange.SetDefaultShard c ->
                    TopologyChanges.setDefaultShard(this, c.distributionId(), c.shardId());
            case MetadataChange.AttachRelation c -> TopologyChanges.attachRelation(this, c.relation());
            case MetadataChange.DetachRelation c -> TopologyChanges.detachRelation(this, c.name());
            case MetadataChange.CreateReferenceRelation c ->
                    TopologyChanges.createReferenceRelation(this, c.relation());
            case MetadataChange.DropReferenceRelation c -> TopologyChanges.dropReferenceRelation(this, c.name());
            case MetadataChange.CreateUniqueIndex c -> TopologyChanges.createUniqueIndex(this, c.index());
            case MetadataChange.DropUniqueIndex c -> TopologyChanges.dropUniqueIndex(this, c.indexId());
            case MetadataChange.CreateKeyRange c -> KeyRangeChanges.create(this, c.keyRange());
            case MetadataChange.DropKeyRange c -> KeyRangeChanges.drop(this, c.keyRangeId());
            case MetadataChange.DropAllKeyRanges _ -> KeyRangeChanges.dropAll(this);
            case MetadataChange.SplitKeyRange c ->
                    KeyRangeChanges.split(this, c.newKeyRangeId(), c.sourceKeyRangeId(), c.bound());
            case MetadataChange.UniteKeyRanges c ->
                    KeyRangeChanges.unite(this, c.keyRangeId(), c.otherKeyRangeId());
            case MetadataChange.LockKeyRange c -> KeyRangeChanges.lock(this, c.keyRangeId());
            case MetadataChange.UnlockKeyRange c -> KeyRangeChanges.unlock(this, c.keyRangeId());
            case MetadataChange.MoveKeyRange c -> KeyRangeChanges.move(this, c.keyRangeId(), c.toShardId());
            case null -> throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "change must not be null");
        }
    }

    Metadata build() {
        Map<String, KeyRangeIndex> indexes = new HashMap<>();
        for (String distributionId : distributions.keySet()) {
            TreeMap<KeyBound, KeyRange> touched = touchedRanges.get(distributionId);
            KeyRangeIndex index = touched != null
                    ? KeyRangeIndex.of(distributionId, touched.values())
                    : untouchedIndexes.getOrDefault(distributionId, KeyRangeIndex.empty(distributionId));
            indexes.put(distributionId, index);
        }
        return new Metadata(shards, distributions, relations, referenceRelations, keyRanges, indexes, uniqueIndexes);
    }

    /** The distribution's ranges by lower bound, for reading and changing. */
    TreeMap<KeyBound, KeyRange> rangesOf(String distributionId) {
        return touchedRanges.computeIfAbsent(distributionId, id -> {
            TreeMap<KeyBound, KeyRange> ranges = new TreeMap<>();
            KeyRangeIndex index = untouchedIndexes.remove(id);
            if (index != null) {
                index.ranges().forEach(range -> ranges.put(range.lowerBound(), range));
            }
            return ranges;
        });
    }

    void putRange(KeyRange range) {
        KeyRange previous = keyRanges.put(range.id(), range);
        TreeMap<KeyBound, KeyRange> ranges = rangesOf(range.distributionId());
        if (previous != null) {
            ranges.remove(previous.lowerBound());
        }
        ranges.put(range.lowerBound(), range);
    }

    void removeRange(KeyRange range) {
        keyRanges.remove(range.id());
        rangesOf(range.distributionId()).remove(range.lowerBound());
    }

    void removeDistribution(String distributionId) {
        distributions.remove(distributionId);
        untouchedIndexes.remove(distributionId);
        touchedRanges.remove(distributionId);
    }

    Shard requireShard(String id) {
        Shard shard = shards.get(id);
        if (shard == null) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT, "shard " + quote(id) + " does not exist");
        }
        return shard;
    }

    Distribution requireDistribution(String id) {
        Distribution distribution = distributions.get(id);
        if (distribution == null) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                    "distribution " + quote(id) + " does not exist");
        }
        return distribution;
    }

    KeyRange requireKeyRange(String id) {
        KeyRange range = keyRanges.get(id);
        if (range == null) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT, "key range " + quote(id) + " does not exist");
        }
        return range;
    }

    /** Names for a message, at most ten, then how many more. */
    static String list(List<String> names) {
        int shown = Math.min(names.size(), 10);
        String text = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? text + " and " + (names.size() - shown) + " more" : text;
    }
}
