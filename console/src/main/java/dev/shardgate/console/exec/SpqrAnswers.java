package dev.shardgate.console.exec;

import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-column tables SPQR's console answers its metadata statements with ({@code add
 * distribution} / {@code distribution id -> ds1}), so that scripts and people used to SPQR read the
 * same. The tag is PostgreSQL's {@code SELECT n} for n rows (SPQR always sends {@code SELECT 0}).
 */
final class SpqrAnswers {
    private SpqrAnswers() {
    }

    static ConsoleResult.Rows table(String header, List<String> rows) {
        return new ConsoleResult.Rows(List.of(header), rows.stream().map(List::of).toList());
    }

    static ConsoleResult.Rows table(String header, String... rows) {
        return table(header, List.of(rows));
    }

    static ConsoleResult.Rows createDistribution(String id) {
        return table("add distribution", "distribution id -> " + id);
    }

    static ConsoleResult.Rows dropDistributions(List<String> ids) {
        return table("drop distribution", ids.stream().map(id -> "distribution id -> " + id).toList());
    }

    static ConsoleResult.Rows attachRelations(List<MetadataChange> changes) {
        List<String> rows = new ArrayList<>();
        for (MetadataChange change : changes) {
            if (change instanceof MetadataChange.AttachRelation attach) {
                rows.add("relation name   -> " + name(attach.relation().name()));
                rows.add("distribution id -> " + attach.relation().distributionId());
            }
        }
        return table("attach table", rows);
    }

    static ConsoleResult.Rows detachRelation(QualifiedName name, String distributionId) {
        return table("detach relation", "relation name   -> " + name(name), "distribution id -> " + distributionId);
    }

    /** @param shards the shards that hold a copy: the listed ones, or every shard there is */
    static ConsoleResult.Rows createReferenceTable(QualifiedName name, List<String> shards) {
        return table("create reference table", "table    -> " + name(name), "shard id -> " + String.join(",", shards));
    }

    static ConsoleResult.Rows dropReferenceTable(QualifiedName name) {
        return table("drop reference relation", "relation -> " + name(name));
    }

    /** SPQR shows the first bound column, which is the whole bound for a one-column distribution. */
    static ConsoleResult.Rows createKeyRange(KeyRange range) {
        return table("add key range", "bound -> " + range.lowerBound());
    }

    static ConsoleResult.Rows createKeyRanges(List<MetadataChange> changes) {
        return table("add key range", changes.stream()
                .filter(MetadataChange.CreateKeyRange.class::isInstance)
                .map(change -> "bound -> " + ((MetadataChange.CreateKeyRange) change).keyRange().lowerBound())
                .toList());
    }

    static ConsoleResult.Rows dropKeyRanges(List<String> ids) {
        return table("drop key range", ids.stream().map(id -> "key range id -> " + id).toList());
    }

    /** SPQR prints the bound's raw bytes, unreadable for integers; here the bound reads as SHOW key_ranges shows it. */
    static ConsoleResult.Rows splitKeyRange(String newId, Metadata after) {
        String bound = after.keyRange(newId).map(range -> range.lowerBound().toString()).orElse("");
        return table("split key range", "key range id -> " + newId, "bound        -> " + bound);
    }

    static ConsoleResult.Rows uniteKeyRanges(String kept, String absorbed) {
        return table("merge key ranges", "merge key range \"" + absorbed + "\" into \"" + kept + "\"");
    }

    static ConsoleResult.Rows lockKeyRange(String id) {
        return table("lock key range", "key range id -> " + id);
    }

    static ConsoleResult.Rows unlockKeyRange(String id) {
        return table("unlock key range", "key range id -> " + id);
    }

    static ConsoleResult.Rows moveKeyRange(String id, String shard) {
        return table("move key range", "move key range " + id + " to shard " + shard);
    }

    static ConsoleResult.Rows createShard(Shard shard) {
        return table("add shard", "shard id -> " + shard.id());
    }

    static ConsoleResult.Rows dropShard(String id) {
        return table("drop shard", "shard id -> " + id);
    }

    /** SPQR names a relation of the default schema by its name alone, one in another schema as schema.name. */
    private static String name(QualifiedName name) {
        return name.schema().equals(QualifiedName.DEFAULT_SCHEMA) ? name.name() : name.toString();
    }
}
