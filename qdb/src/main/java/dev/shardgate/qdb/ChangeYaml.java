package dev.shardgate.qdb;

import static dev.shardgate.qdb.MetadataYaml.fields;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The YAML form of a batch of {@link MetadataChange}s: one mapping per change, its kind under
 * {@code change} and its fields named as in the snapshot ({@link MetadataYaml}). Key values carry
 * their kind ({@code {integer: '100'}}, {@code {varchar: abc}}, {@code {uuid: ...}}, {@code {hash:
 * '7'}}) because a change may be read without the distribution that gives the column types.
 */
final class ChangeYaml {

    private ChangeYaml() {
    }

    static List<Map<String, Object>> write(List<MetadataChange> changes) {
        return changes.stream().map(ChangeYaml::write).toList();
    }

    static Map<String, Object> write(MetadataChange change) {
        Map<String, Object> fields = fields("change", kind(change));
        switch (change) {
            case MetadataChange.CreateShard c -> fields.putAll(MetadataYaml.shard(c.shard()));
            case MetadataChange.DropShard c -> fields.put("id", c.shardId());
            case MetadataChange.AddShardHosts c -> {
                fields.put("id", c.shardId());
                fields.put("hosts", c.hosts());
            }
            case MetadataChange.DropShardHosts c -> {
                fields.put("id", c.shardId());
                fields.put("hosts", c.hosts());
            }
            case MetadataChange.CreateDistribution c -> fields.putAll(MetadataYaml.distribution(c.distribution()));
            case MetadataChange.DropDistribution c -> {
                fields.put("id", c.distributionId());
                fields.put("cascade", c.cascade());
            }
            case MetadataChange.SetDefaultShard c -> {
                fields.put("id", c.distributionId());
                c.shardId().ifPresent(shard -> fields.put("shard", shard));
            }
            case MetadataChange.AttachRelation c -> fields.putAll(MetadataYaml.relation(c.relation()));
            case MetadataChange.DetachRelation c -> putName(fields, c.name());
            case MetadataChange.CreateReferenceRelation c -> fields.putAll(MetadataYaml.referenceRelation(c.relation()));
            case MetadataChange.DropReferenceRelation c -> putName(fields, c.name());
            case MetadataChange.CreateUniqueIndex c -> fields.putAll(MetadataYaml.uniqueIndex(c.index()));
            case MetadataChange.DropUniqueIndex c -> fields.put("id", c.indexId());
            case MetadataChange.CreateKeyRange c -> {
                KeyRange range = c.keyRange();
                fields.put("id", range.id());
                fields.put("distribution", range.distributionId());
                fields.put("lowerBound", bound(range.lowerBound()));
                fields.put("shard", range.shardId());
                fields.put("locked", range.locked());
            }
            case MetadataChange.DropKeyRange c -> fields.put("id", c.keyRangeId());
            case MetadataChange.DropAllKeyRanges _ -> {
            }
            case MetadataChange.SplitKeyRange c -> {
                fields.put("id", c.newKeyRangeId());
                fields.put("source", c.sourceKeyRangeId());
                fields.put("bound", bound(c.bound()));
            }
            case MetadataChange.UniteKeyRanges c -> {
                fields.put("id", c.keyRangeId());
                fields.put("other", c.otherKeyRangeId());
            }
            case MetadataChange.LockKeyRange c -> fields.put("id", c.keyRangeId());
            case MetadataChange.UnlockKeyRange c -> fields.put("id", c.keyRangeId());
            case MetadataChange.MoveKeyRange c -> {
                fields.put("id", c.keyRangeId());
                fields.put("shard", c.toShardId());
            }
        }
        return fields;
    }

    private static String kind(MetadataChange change) {
        return switch (change) {
            case MetadataChange.CreateShard _ -> "createShard";
            case MetadataChange.DropShard _ -> "dropShard";
            case MetadataChange.AddShardHosts _ -> "addShardHosts";
            case MetadataChange.DropShardHosts _ -> "dropShardHosts";
            case MetadataChange.CreateDistribution _ -> "createDistribution";
            case MetadataChange.DropDistribution _ -> "dropDistribution";
            case MetadataChange.SetDefaultShard _ -> "setDefaultShard";
            case MetadataChange.AttachRelation _ -> "attachRelation";
            case MetadataChange.DetachRelation _ -> "detachRelation";
            case MetadataChange.CreateReferenceRelation _ -> "createReferenceRelation";
            case MetadataChange.DropReferenceRelation _ -> "dropReferenceRelation";
            case MetadataChange.CreateUniqueIndex _ -> "createUniqueIndex";
            case MetadataChange.DropUniqueIndex _ -> "dropUniqueIndex";
            case MetadataChange.CreateKeyRange _ -> "createKeyRange";
            case MetadataChange.DropKeyRange _ -> "dropKeyRange";
            case MetadataChange.DropAllKeyRanges _ -> "dropAllKeyRanges";
            case MetadataChange.SplitKeyRange _ -> "splitKeyRange";
            case MetadataChange.UniteKeyRanges _ -> "uniteKeyRanges";
            case MetadataChange.LockKeyRange _ -> "lockKeyRange";
            case MetadataChange.UnlockKeyRange _ -> "unlockKeyRange";
            case MetadataChange.MoveKeyRange _ -> "moveKeyRange";
        };
    }

    private static void putName(Map<String, Object> fields, QualifiedName name) {
        fields.put("schema", name.schema());
        fields.put("name", name.name());
    }

    private static List<Map<String, String>> bound(KeyBound bound) {
        return bound.values().stream().map(value -> Map.of(value.kind(), value.text())).toList();
    }

    /**
     * @throws dev.shardgate.meta.MetadataException for values the records refuse; the caller
     *         reports it as corruption of its source
     */
    static List<MetadataChange> read(Fields root, String key) {
        List<MetadataChange> changes = new ArrayList<>();
        for (Fields item : root.mappings(key)) {
            changes.add(read(item));
        }
        return changes;
    }

    private static MetadataChange read(Fields item) {
        String kind = item.string("change");
        return switch (kind) {
            case "createShard" -> new MetadataChange.CreateShard(MetadataYaml.readShard(item.expect("change", "id", "hosts")));
            case "dropShard" -> new MetadataChange.DropShard(item.expect("change", "id").string("id"));
            case "addShardHosts" -> new MetadataChange.AddShardHosts(
                    item.expect("change", "id", "hosts").string("id"), item.strings("hosts"));
            case "dropShardHosts" -> new MetadataChange.DropShardHosts(
                    item.expect("change", "id", "hosts").string("id"), item.strings("hosts"));
            case "createDistribution" -> new MetadataChange.CreateDistribution(MetadataYaml.readDistribution(
                    item.expect("change", "id", "columnTypes", "defaultShard?")));
            case "dropDistribution" -> new MetadataChange.DropDistribution(
                    item.expect("change", "id", "cascade").string("id"), item.bool("cascade"));
            case "setDefaultShard" -> new MetadataChange.SetDefaultShard(
                    item.expect("change", "id", "shard?").string("id"), Optional.ofNullable(item.optionalString("shard")));
            case "attachRelation" -> new MetadataChange.AttachRelation(MetadataYaml.readRelation(
                    item.expect("change", "schema", "name", "distribution", "keyColumns", "autoIncrement?")));
            case "detachRelation" -> new MetadataChange.DetachRelation(MetadataYaml.name(item.expect("change", "schema", "name")));
            case "createReferenceRelation" -> new MetadataChange.CreateReferenceRelation(
                    MetadataYaml.readReferenceRelation(item.expect("change", "schema", "name", "shards", "autoIncrement?")));
            case "dropReferenceRelation" -> new MetadataChange.DropReferenceRelation(
                    MetadataYaml.name(item.expect("change", "schema", "name")));
            case "createUniqueIndex" -> new MetadataChange.CreateUniqueIndex(MetadataYaml.readUniqueIndex(
                    item.expect("change", "id", "schema", "name", "columns")));
            case "dropUniqueIndex" -> new MetadataChange.DropUniqueIndex(item.expect("change", "id").string("id"));
            case "createKeyRange" -> {
                item.expect("change", "id", "distribution", "lowerBound", "shard", "locked");
                yield new MetadataChange.CreateKeyRange(new KeyRange(item.string("id"), readBound(item, "lowerBound"),
                        item.string("shard"), item.string("distribution"), item.bool("locked")));
            }
            case "dropKeyRange" -> new MetadataChange.DropKeyRange(item.expect("change", "id").string("id"));
            case "dropAllKeyRanges" -> {
                item.expect("change");
                yield new MetadataChange.DropAllKeyRanges();
            }
            case "splitKeyRange" -> {
                item.expect("change", "id", "source", "bound");
                yield new MetadataChange.SplitKeyRange(item.string("id"), item.string("source"), readBound(item, "bound"));
            }
            case "uniteKeyRanges" -> new MetadataChange.UniteKeyRanges(
                    item.expect("change", "id", "other").string("id"), item.string("other"));
            case "lockKeyRange" -> new MetadataChange.LockKeyRange(item.expect("change", "id").string("id"));
            case "unlockKeyRange" -> new MetadataChange.UnlockKeyRange(item.expect("change", "id").string("id"));
            case "moveKeyRange" -> new MetadataChange.MoveKeyRange(
                    item.expect("change", "id", "shard").string("id"), item.string("shard"));
            default -> throw item.error("change", "unknown change \"" + kind + "\"");
        };
    }

    private static KeyBound readBound(Fields item, String key) {
        List<KeyValue> values = new ArrayList<>();
        for (Map.Entry<String, String> value : item.singleEntries(key)) {
            String text = value.getValue();
            values.add(switch (value.getKey()) {
                case "integer" -> new KeyValue.IntegerValue(number(item, key, text));
                case "varchar" -> new KeyValue.VarcharValue(text);
                case "uuid" -> new KeyValue.UuidValue(uuid(item, key, text));
                case "hash" -> new KeyValue.HashValue(number(item, key, text));
                default -> throw item.error(key, "unknown key value kind \"" + value.getKey() + "\"");
            });
        }
        return new KeyBound(values);
    }

    private static long number(Fields item, String key, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw item.error(key, "\"" + text + "\" is not a number");
        }
    }

    private static UUID uuid(Fields item, String key, String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw item.error(key, "\"" + text + "\" is not a uuid");
        }
    }
}
