package dev.shardgate.console.exec;

import dev.shardgate.console.ast.AttachRelations;
import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.CreateDistribution;
import dev.shardgate.console.ast.CreateKeyRange;
import dev.shardgate.console.ast.CreateKeyRanges;
import dev.shardgate.console.ast.CreateReferenceTable;
import dev.shardgate.console.ast.CreateShard;
import dev.shardgate.console.ast.DetachRelation;
import dev.shardgate.console.ast.DropAllDistributions;
import dev.shardgate.console.ast.DropAllKeyRanges;
import dev.shardgate.console.ast.DropDistribution;
import dev.shardgate.console.ast.DropKeyRange;
import dev.shardgate.console.ast.DropReferenceTable;
import dev.shardgate.console.ast.DropShard;
import dev.shardgate.console.ast.LockKeyRange;
import dev.shardgate.console.ast.MoveKeyRange;
import dev.shardgate.console.ast.SplitKeyRange;
import dev.shardgate.console.ast.UniteKeyRange;
import dev.shardgate.console.ast.UnlockKeyRange;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one-column tables SPQR's console answers its metadata statements with ({@code add
 * distribution} / {@code distribution id -> ds1}), so that scripts and people used to SPQR read the
 * same. The tag is PostgreSQL's {@code SELECT n} for n rows (SPQR always sends {@code SELECT 0}).
 */
final class SpqrAnswers {
    static final String ADD_DISTRIBUTION = "add distribution";
    static final String ADD_KEY_RANGE = "add key range";
    static final String ADD_SHARD = "add shard";
    static final String ATTACH_TABLE = "attach table";
    static final String CREATE_REFERENCE_TABLE = "create reference table";
    static final String DETACH_RELATION = "detach relation";
    static final String DROP_DISTRIBUTION = "drop distribution";
    static final String DROP_KEY_RANGE = "drop key range";
    static final String DROP_REFERENCE_RELATION = "drop reference relation";
    static final String DROP_SHARD = "drop shard";
    static final String LOCK_KEY_RANGE = "lock key range";
    static final String MERGE_KEY_RANGES = "merge key ranges";
    static final String MOVE_KEY_RANGE = "move key range";
    static final String RENAME_KEY_RANGE = "rename key range";
    static final String SPLIT_KEY_RANGE = "split key range";
    static final String UNLOCK_KEY_RANGE = "unlock key range";

    private SpqrAnswers() {
    }

    /** The header of each statement's table, for Describe before the statement runs. */
    private static final Map<Class<? extends ConsoleStatement>, String> HEADERS = Map.ofEntries(
            Map.entry(CreateDistribution.class, ADD_DISTRIBUTION),
            Map.entry(DropDistribution.class, DROP_DISTRIBUTION),
            Map.entry(DropAllDistributions.class, DROP_DISTRIBUTION),
            Map.entry(AttachRelations.class, ATTACH_TABLE),
            Map.entry(DetachRelation.class, DETACH_RELATION),
            Map.entry(CreateReferenceTable.class, CREATE_REFERENCE_TABLE),
            Map.entry(DropReferenceTable.class, DROP_REFERENCE_RELATION),
            Map.entry(CreateKeyRange.class, ADD_KEY_RANGE),
            Map.entry(CreateKeyRanges.class, ADD_KEY_RANGE),
            Map.entry(DropKeyRange.class, DROP_KEY_RANGE),
            Map.entry(DropAllKeyRanges.class, DROP_KEY_RANGE),
            Map.entry(SplitKeyRange.class, SPLIT_KEY_RANGE),
            Map.entry(UniteKeyRange.class, MERGE_KEY_RANGES),
            Map.entry(LockKeyRange.class, LOCK_KEY_RANGE),
            Map.entry(UnlockKeyRange.class, UNLOCK_KEY_RANGE),
            Map.entry(MoveKeyRange.class, MOVE_KEY_RANGE),
            Map.entry(dev.shardgate.console.ast.RenameKeyRange.class, RENAME_KEY_RANGE),
            Map.entry(CreateShard.class, ADD_SHARD),
            Map.entry(DropShard.class, DROP_SHARD));

    /** The columns of the statement's table; empty for a statement answered by a tag or by another component. */
    static Optional<List<String>> columns(ConsoleStatement statement) {
        return Optional.ofNullable(HEADERS.get(statement.getClass())).map(List::of);
    }

    static ConsoleResult.Rows table(String header, List<String> rows) {
        return new ConsoleResult.Rows(List.of(header), rows.stream().map(List::of).toList());
    }

    static ConsoleResult.Rows table(String header, String... rows) {
        return table(header, List.of(rows));
    }

    static ConsoleResult.Rows createDistribution(String id) {
        return table(ADD_DISTRIBUTION, "distribution id -> " + id);
    }

    static ConsoleResult.Rows dropDistributions(List<String> ids) {
        return table(DROP_DISTRIBUTION, ids.stream().map(id -> "distribution id -> " + id).toList());
    }

    static ConsoleResult.Rows attachRelations(List<MetadataChange> changes) {
        List<String> rows = new ArrayList<>();
        for (MetadataChange change : changes) {
            if (change instanceof MetadataChange.AttachRelation attach) {
                rows.add("relation name   -> " + name(attach.relation().name()));
                rows.add("distribution id -> " + attach.relation().distributionId());
            }
        }
        return table(ATTACH_TABLE, rows);
    }

    static ConsoleResult.Rows detachRelation(QualifiedName name, String distributionId) {
        return table(DETACH_RELATION, "relation name   -> " + name(name), "distribution id -> " + distributionId);
    }

    /** @param shards the shards that hold a copy: the listed ones, or every shard there is */
    static ConsoleResult.Rows createReferenceTable(QualifiedName name, List<String> shards) {
        return table(CREATE_REFERENCE_TABLE, "table    -> " + name(name), "shard id -> " + String.join(",", shards));
    }

    static ConsoleResult.Rows dropReferenceTable(QualifiedName name) {
        return table(DROP_REFERENCE_RELATION, "relation -> " + name(name));
    }

    /** SPQR shows the first bound column, which is the whole bound for a one-column distribution. */
    static ConsoleResult.Rows createKeyRange(KeyRange range) {
        return table(ADD_KEY_RANGE, "bound -> " + range.lowerBound());
    }

    static ConsoleResult.Rows createKeyRanges(List<MetadataChange> changes) {
        return table(ADD_KEY_RANGE, changes.stream()
                .filter(MetadataChange.CreateKeyRange.class::isInstance)
                .map(change -> "bound -> " + ((MetadataChange.CreateKeyRange) change).keyRange().lowerBound())
                .toList());
    }

    static ConsoleResult.Rows dropKeyRanges(List<String> ids) {
        return table(DROP_KEY_RANGE, ids.stream().map(id -> "key range id -> " + id).toList());
    }

    /** SPQR prints the bound's raw bytes, unreadable for integers; here the bound reads as SHOW key_ranges shows it. */
    static ConsoleResult.Rows splitKeyRange(String newId, Metadata after) {
        String bound = after.keyRange(newId).map(range -> range.lowerBound().toString()).orElse("");
        return table(SPLIT_KEY_RANGE, "key range id -> " + newId, "bound        -> " + bound);
    }

    static ConsoleResult.Rows uniteKeyRanges(String kept, String absorbed) {
        return table(MERGE_KEY_RANGES, "merge key range \"" + absorbed + "\" into \"" + kept + "\"");
    }

    static ConsoleResult.Rows lockKeyRange(String id) {
        return table(LOCK_KEY_RANGE, "key range id -> " + id);
    }

    static ConsoleResult.Rows unlockKeyRange(String id) {
        return table(UNLOCK_KEY_RANGE, "key range id -> " + id);
    }

    static ConsoleResult.Rows moveKeyRange(String id, String shard) {
        return table(MOVE_KEY_RANGE, "move key range " + id + " to shard " + shard);
    }

    /** In the form of MOVE KEY RANGE's row. */
    static ConsoleResult.Rows renameKeyRange(String id, String newId) {
        return table(RENAME_KEY_RANGE, "rename key range " + id + " to " + newId);
    }

    static ConsoleResult.Rows createShard(Shard shard) {
        return table(ADD_SHARD, "shard id -> " + shard.id());
    }

    static ConsoleResult.Rows dropShard(String id) {
        return table(DROP_SHARD, "shard id -> " + id);
    }

    /** SPQR names a relation of the default schema by its name alone, one in another schema as schema.name. */
    private static String name(QualifiedName name) {
        return name.schema().equals(QualifiedName.DEFAULT_SCHEMA) ? name.name() : name.toString();
    }
}
