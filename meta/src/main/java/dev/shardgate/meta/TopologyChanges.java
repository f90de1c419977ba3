package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataException.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Validation and effect of the changes to shards, distributions and relations. */
final class TopologyChanges {
    private TopologyChanges() {
    }

    static void createShard(MetadataDraft draft, Shard shard) {
        if (draft.shards.containsKey(shard.id())) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT, "shard " + quote(shard.id()) + " already exists");
        }
        draft.shards.put(shard.id(), shard);
    }

    static void dropShard(MetadataDraft draft, String shardId) {
        draft.requireShard(shardId);
        List<String> users = new ArrayList<>();
        draft.distributions.values().stream()
                .filter(d -> d.defaultShard().filter(shardId::equals).isPresent())
                .forEach(d -> users.add("distribution " + quote(d.id()) + " (default shard)"));
        draft.referenceRelations.values().stream()
                .filter(r -> r.shardIds().contains(shardId))
                .forEach(r -> users.add("reference relation " + quote(r.name().toString())));
        draft.keyRanges.values().stream()
                .filter(r -> r.shardId().equals(shardId))
                .forEach(r -> users.add("key range " + quote(r.id())));
        if (!users.isEmpty()) {
            throw new MetadataException(MetadataException.DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot drop shard " + quote(shardId) + " because other objects depend on it: "
                            + MetadataDraft.list(users));
        }
        draft.shards.remove(shardId);
    }

    static void createDistribution(MetadataDraft draft, Distribution distribution) {
        if (draft.distributions.containsKey(distribution.id())) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT,
                    "distribution " + quote(distribution.id()) + " already exists");
        }
        distribution.defaultShard().ifPresent(draft::requireShard);
        draft.distributions.put(distribution.id(), distribution);
    }

    static void setDefaultShard(MetadataDraft draft, String distributionId, java.util.Optional<String> shardId) {
        Distribution distribution = draft.requireDistribution(distributionId);
        shardId.ifPresent(draft::requireShard);
        draft.distributions.put(distributionId, new Distribution(distributionId, distribution.columnTypes(), shardId));
    }

    /** Metadata only: see {@link UniqueIndex}. Detaching the relation drops it, as DROP TABLE drops a table's indexes. */
    static void createUniqueIndex(MetadataDraft draft, UniqueIndex index) {
        if (draft.uniqueIndexes.containsKey(index.id())) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT,
                    "unique index " + quote(index.id()) + " already exists");
        }
        if (!draft.relations.containsKey(index.relation())) {
            throw new MetadataException(MetadataException.UNDEFINED_TABLE,
                    "relation " + quote(index.relation().toString()) + " is not attached to a distribution");
        }
        draft.uniqueIndexes.put(index.id(), index);
    }

    static void dropUniqueIndex(MetadataDraft draft, String id) {
        if (draft.uniqueIndexes.remove(id) == null) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT, "unique index " + quote(id) + " does not exist");
        }
    }

    static void dropDistribution(MetadataDraft draft, String distributionId, boolean cascade) {
        draft.requireDistribution(distributionId);
        List<DistributedRelation> relations = draft.relations.values().stream()
                .filter(r -> r.distributionId().equals(distributionId)).toList();
        List<KeyRange> ranges = List.copyOf(draft.rangesOf(distributionId).values());
        if (!cascade && !(relations.isEmpty() && ranges.isEmpty())) {
            List<String> users = new ArrayList<>();
            relations.forEach(r -> users.add("relation " + quote(r.name().toString())));
            ranges.forEach(r -> users.add("key range " + quote(r.id())));
            throw new MetadataException(MetadataException.DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot drop distribution " + quote(distributionId) + " because other objects depend on it: "
                            + MetadataDraft.list(users) + "; use CASCADE to drop them too");
        }
        List<String> locked = ranges.stream().filter(KeyRange::locked).map(r -> quote(r.id())).toList();
        if (!locked.isEmpty()) {
            throw new MetadataException(MetadataException.OBJECT_IN_USE,
                    "cannot drop distribution " + quote(distributionId) + " because key ranges are locked: "
                            + MetadataDraft.list(locked));
        }
        relations.forEach(r -> {
            draft.relations.remove(r.name());
            draft.uniqueIndexes.values().removeIf(index -> index.relation().equals(r.name()));
        });
        ranges.forEach(r -> draft.keyRanges.remove(r.id()));
        draft.removeDistribution(distributionId);
    }

    static void attachRelation(MetadataDraft draft, DistributedRelation relation) {
        Distribution distribution = draft.requireDistribution(relation.distributionId());
        String name = quote(relation.name().toString());
        requireUnused(draft, relation.name());
        List<ColumnType> types = distribution.columnTypes();
        List<DistributionKeyEntry> columns = relation.keyColumns();
        if (columns.size() != types.size()) {
            throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                    "relation " + name + " has " + columns.size() + " distribution key column"
                            + (columns.size() == 1 ? "" : "s") + " but distribution " + quote(distribution.id())
                            + " has " + types.size() + " column type" + (types.size() == 1 ? "" : "s"));
        }
        for (int i = 0; i < columns.size(); i++) {
            ColumnType type = types.get(i);
            switch (columns.get(i)) {
                case DistributionKeyColumn column -> {
                    if (!type.allows(column.hash())) {
                        String need = type.isHashed() ? "needs hash function murmur or city" : "cannot use hash function " + column.hash();
                        throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                                "column " + quote(column.column()) + " of relation " + name + " " + need
                                        + ": column " + (i + 1) + " of distribution " + quote(distribution.id()) + " is " + type);
                    }
                }
                case RoutingExpression expression -> {
                    if (!type.isHashed()) {
                        throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                                "routing expression " + expression.display() + " of relation " + name
                                        + " makes a hash, but column " + (i + 1) + " of distribution "
                                        + quote(distribution.id()) + " is " + type + " (expected a hashed type)");
                    }
                }
            }
        }
        requireFreeSequenceNames(draft, relation.name(), relation.autoIncrement());
        draft.relations.put(relation.name(), relation);
    }

    /** Two relations could make one sequence name ({@code a_b} + {@code c}, {@code a} + {@code b_c}): ids would collide. */
    private static void requireFreeSequenceNames(MetadataDraft draft, QualifiedName relation, List<AutoIncrementColumn> columns) {
        List<Map.Entry<QualifiedName, List<AutoIncrementColumn>>> others = new java.util.ArrayList<>();
        draft.relations.values().forEach(other -> others.add(Map.entry(other.name(), other.autoIncrement())));
        draft.referenceRelations.values().forEach(other -> others.add(Map.entry(other.name(), other.autoIncrement())));
        for (AutoIncrementColumn column : columns) {
            String sequence = column.sequenceName(relation);
            for (Map.Entry<QualifiedName, List<AutoIncrementColumn>> other : others) {
                for (AutoIncrementColumn taken : other.getValue()) {
                    if (taken.sequenceName(other.getKey()).equals(sequence)) {
                        throw new MetadataException(MetadataException.DUPLICATE_OBJECT,
                                "sequence " + quote(sequence) + " for column " + quote(column.column()) + " of relation "
                                        + quote(relation.toString()) + " is already used by column "
                                        + quote(taken.column()) + " of relation " + quote(other.getKey().toString()));
                    }
                }
            }
        }
    }

    static void detachRelation(MetadataDraft draft, QualifiedName name) {
        if (draft.relations.remove(name) == null) {
            throw new MetadataException(MetadataException.UNDEFINED_TABLE,
                    "relation " + quote(name.toString()) + " is not attached to any distribution");
        }
        draft.uniqueIndexes.values().removeIf(index -> index.relation().equals(name));
    }

    static void createReferenceRelation(MetadataDraft draft, ReferenceRelation relation) {
        requireUnused(draft, relation.name());
        relation.shardIds().forEach(draft::requireShard);
        requireFreeSequenceNames(draft, relation.name(), relation.autoIncrement());
        draft.referenceRelations.put(relation.name(), relation);
    }

    static void dropReferenceRelation(MetadataDraft draft, QualifiedName name) {
        if (draft.referenceRelations.remove(name) == null) {
            throw new MetadataException(MetadataException.UNDEFINED_TABLE,
                    "reference relation " + quote(name.toString()) + " does not exist");
        }
    }

    /** A relation is either distributed or a reference relation, once. */
    private static void requireUnused(MetadataDraft draft, QualifiedName name) {
        DistributedRelation attached = draft.relations.get(name);
        if (attached != null) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT,
                    "relation " + quote(name.toString()) + " is already attached to distribution "
                            + quote(attached.distributionId()));
        }
        if (draft.referenceRelations.containsKey(name)) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT,
                    "relation " + quote(name.toString()) + " is already a reference relation");
        }
    }
}
