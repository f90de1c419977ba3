package dev.shardgate.console.exec;

import dev.shardgate.console.ast.AlterRelationKey;
import dev.shardgate.console.ast.AlterRelationSchema;
import dev.shardgate.console.ast.AlterShardOptions;
import dev.shardgate.console.ast.RenameDistributionColumn;
import dev.shardgate.console.ast.RenameKeyRange;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.DistributionKeyEntry;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * SPQR's statements that change an object in place. The metadata knows no such change, so each is
 * the drop and re-creation of the object in one batch: both happen or neither, and every check
 * the creation makes (types of the key, free ids) applies to the result.
 */
final class AlterStatements {
    private AlterStatements() {
    }

    /** Detach and attach again with the new key; the relation keeps its auto-increment columns. */
    static List<MetadataChange> alterRelationKey(AlterRelationKey s, Metadata draft) {
        DistributedRelation relation = attached(draft, s.distribution(), StepPlanner.qualified(s.relation()));
        List<DistributionKeyEntry> key = StepPlanner.keyEntries(s.distributionKey());
        requireDistinct(relation.name(), key);
        return reattach(draft, relation, key);
    }

    /** Only the name in the metadata changes; the table on the shards is not touched. */
    static List<MetadataChange> renameDistributionColumn(RenameDistributionColumn s, Metadata draft) {
        DistributedRelation relation = attached(draft, s.distribution(), StepPlanner.qualified(s.relation()));
        if (!relation.valueColumns().contains(s.column())) {
            throw new PgException(SqlState.UNDEFINED_COLUMN, "column " + quote(s.column())
                    + " is not in the distribution key of relation " + quote(relation.name().toString()));
        }
        List<DistributionKeyEntry> key = relation.keyColumns().stream()
                .map(entry -> renamed(entry, s.column(), s.newName()))
                .toList();
        requireDistinct(relation.name(), key);
        return reattach(draft, relation, key);
    }

    /**
     * The relation keeps its key and unique indexes under the new schema. One with AUTO INCREMENT
     * columns is refused: its sequences are named after the schema, and new ones would start again.
     */
    static List<MetadataChange> alterRelationSchema(AlterRelationSchema s, Metadata draft) {
        DistributedRelation relation = attached(draft, s.distribution(), StepPlanner.qualified(s.relation()));
        QualifiedName renamed = new QualifiedName(s.schema(), relation.name().name());
        if (renamed.equals(relation.name())) {
            return List.of();
        }
        if (!relation.autoIncrement().isEmpty()) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "cannot change the schema of relation "
                    + quote(relation.name().toString()) + " because it has AUTO INCREMENT columns")
                    .withHint("Their sequences are named after the schema: detach the relation and attach it again "
                            + "in the new schema with AUTO INCREMENT … START past the values handed out.");
        }
        if (draft.relation(renamed).isPresent()) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT, "relation " + quote(renamed.toString())
                    + " is already attached");
        }
        List<MetadataChange> changes = new ArrayList<>(List.of(new MetadataChange.DetachRelation(relation.name()),
                new MetadataChange.AttachRelation(new DistributedRelation(renamed, relation.distributionId(),
                        relation.keyColumns(), relation.autoIncrement()))));
        draft.uniqueIndexes().values().stream().filter(index -> index.relation().equals(relation.name()))
                .forEach(index -> changes.add(new MetadataChange.CreateUniqueIndex(
                        new dev.shardgate.meta.UniqueIndex(index.id(), renamed, index.columns()))));
        return changes;
    }

    /** The range keeps its bound and shard; a locked one (being moved) is refused, as its drop would be. */
    static List<MetadataChange> renameKeyRange(RenameKeyRange s, Metadata draft) {
        KeyRange range = draft.keyRange(s.id()).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_OBJECT, "key range " + quote(s.id()) + " does not exist"));
        if (range.locked()) {
            throw new MetadataException(MetadataException.OBJECT_IN_USE,
                    "cannot rename key range " + quote(s.id()) + " because it is locked");
        }
        return List.of(new MetadataChange.DropKeyRange(range.id()), new MetadataChange.CreateKeyRange(
                new KeyRange(s.newId(), range.lowerBound(), range.shardId(), range.distributionId(), false)));
    }

    /**
     * The host list the options leave, as additions and removals: additions first, so that replacing
     * the only host is valid.
     */
    static List<MetadataChange> alterShardOptions(AlterShardOptions s, Metadata draft) {
        Shard shard = draft.shard(s.id()).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_OBJECT, "shard " + quote(s.id()) + " does not exist"));
        List<String> set = s.options().stream().filter(o -> o.action() == AlterShardOptions.Action.SET)
                .map(AlterShardOptions.HostOption::host).toList();
        LinkedHashSet<String> hosts = new LinkedHashSet<>(set.isEmpty() ? shard.hosts() : set);
        List<String> added = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (AlterShardOptions.HostOption option : s.options()) {
            switch (option.action()) {
                case ADD -> added.add(option.host());
                case DROP -> dropped.add(option.host());
                case SET -> {
                }
            }
        }
        hosts.addAll(added);
        List<MetadataChange> changes = new ArrayList<>();
        List<String> toAdd = hosts.stream().filter(host -> !shard.hosts().contains(host) || added.contains(host)).toList();
        if (!toAdd.isEmpty()) {
            changes.add(new MetadataChange.AddShardHosts(shard.id(), toAdd));
        }
        List<String> toDrop = new ArrayList<>(dropped);
        shard.hosts().stream().filter(host -> !hosts.contains(host) && !dropped.contains(host)).forEach(toDrop::add);
        if (!toDrop.isEmpty()) {
            changes.add(new MetadataChange.DropShardHosts(shard.id(), toDrop));
        }
        return changes;
    }

    private static DistributedRelation attached(Metadata draft, String distributionId, QualifiedName name) {
        draft.distribution(distributionId).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_OBJECT, "distribution " + quote(distributionId) + " does not exist"));
        DistributedRelation relation = draft.relation(name).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_TABLE, "relation " + quote(name.toString())
                        + " is not attached to distribution " + quote(distributionId)));
        if (!relation.distributionId().equals(distributionId)) {
            throw new MetadataException(MetadataException.UNDEFINED_TABLE, "relation " + quote(name.toString())
                    + " is attached to distribution " + quote(relation.distributionId()) + ", not " + quote(distributionId));
        }
        return relation;
    }

    /** A routing expression's column is renamed in place, keeping its type and position. */
    private static DistributionKeyEntry renamed(DistributionKeyEntry entry, String column, String newName) {
        return switch (entry) {
            case DistributionKeyColumn c -> c.column().equals(column) ? new DistributionKeyColumn(newName, c.hash()) : c;
            case RoutingExpression e -> new RoutingExpression(e.hash(), e.columns().stream()
                    .map(c -> c.column().equals(column) ? new RoutingExpression.TypedColumn(newName, c.type()) : c)
                    .toList());
        };
    }

    private static void requireDistinct(QualifiedName relation, List<DistributionKeyEntry> key) {
        Set<String> seen = new HashSet<>();
        for (DistributionKeyEntry entry : key) {
            for (String column : entry.valueColumns()) {
                if (!seen.add(column)) {
                    throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION, "column " + quote(column)
                            + " is named twice in the distribution key of relation " + quote(relation.toString()));
                }
            }
        }
    }

    /** The detach drops the relation's unique indexes; they are created again after the attach. */
    private static List<MetadataChange> reattach(Metadata draft, DistributedRelation relation, List<DistributionKeyEntry> key) {
        List<MetadataChange> changes = new ArrayList<>(List.of(new MetadataChange.DetachRelation(relation.name()),
                new MetadataChange.AttachRelation(new DistributedRelation(relation.name(), relation.distributionId(), key,
                        relation.autoIncrement()))));
        draft.uniqueIndexes().values().stream().filter(index -> index.relation().equals(relation.name()))
                .forEach(index -> changes.add(new MetadataChange.CreateUniqueIndex(index)));
        return changes;
    }

    private static String quote(String name) {
        return '"' + name + '"';
    }
}
