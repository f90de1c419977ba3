package dev.shardgate.qdb;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The YAML form of a store's state, format version 1:
 *
 * <pre>
 * format: shardgate-qdb
 * formatVersion: 1
 * version: 7                       # metadata version
 * shards:             [{id, hosts: [host:port, ...]}]
 * distributions:      [{id, columnTypes: [integer, varchar hash, ...], defaultShard?}]
 * relations:          [{schema, name, distribution, keyColumns: [{column, hash}]}]
 * referenceRelations: [{schema, name, shards: [...]}]   # no shards = all shards
 * keyRanges:          [{id, distribution, lowerBound: ['100', ...], shard, locked}]
 * kv:                 {key: base64 value}
 * </pre>
 *
 * Reading is strict: unknown or missing fields, wrong types and metadata that does not validate
 * are errors naming the file and the place, never skipped. The metadata is rebuilt through {@link
 * Metadata#apply}, so a file passes exactly the validation the console's changes pass.
 */
final class StateFile {
    static final String FORMAT = "shardgate-qdb";
    static final int FORMAT_VERSION = 1;
    private static final String HEADER = "# Shardgate QDB state, rewritten whole on every change."
            + " Edit only while no process has it open.\n";

    private StateFile() {
    }

    static String format(QdbState state) {
        Metadata metadata = state.metadata();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("version", state.version());
        root.put("shards", metadata.shards().values().stream().map(shard -> fields(
                "id", shard.id(), "hosts", shard.hosts())).toList());
        root.put("distributions", metadata.distributions().values().stream().map(distribution -> {
            Map<String, Object> fields = fields("id", distribution.id(),
                    "columnTypes", distribution.columnTypes().stream().map(ColumnType::consoleName).toList());
            distribution.defaultShard().ifPresent(shard -> fields.put("defaultShard", shard));
            return fields;
        }).toList());
        root.put("relations", metadata.relations().values().stream().map(relation -> fields(
                "schema", relation.name().schema(), "name", relation.name().name(),
                "distribution", relation.distributionId(),
                "keyColumns", relation.keyColumns().stream().map(column -> fields(
                        "column", column.column(), "hash", column.hash().consoleName())).toList())).toList());
        root.put("referenceRelations", metadata.referenceRelations().values().stream().map(relation -> fields(
                "schema", relation.name().schema(), "name", relation.name().name(),
                "shards", relation.shardIds())).toList());
        root.put("keyRanges", metadata.keyRanges().values().stream().map(range -> fields(
                "id", range.id(), "distribution", range.distributionId(),
                "lowerBound", range.lowerBound().texts(), "shard", range.shardId(),
                "locked", range.locked())).toList());
        Map<String, String> kv = new LinkedHashMap<>();
        state.kv().forEach((key, value) -> kv.put(key, Base64.getEncoder().encodeToString(value)));
        root.put("kv", kv);

        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setAllowUnicode(true);
        options.setWidth(Integer.MAX_VALUE);
        // Escape characters YAML may not hold raw (U+FFFE, C1 controls, ...) instead of dumping !!binary.
        options.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
        return HEADER + new Yaml(new QuotingRepresenter(options), options).dump(root);
    }

    /**
     * Writes strings holding line breaks or a byte order mark double-quoted, where they are
     * escaped: in block scalars YAML folds NEL and CR LF into plain line feeds, changing the value.
     */
    private static final class QuotingRepresenter extends Representer {
        QuotingRepresenter(DumperOptions options) {
            super(options);
            Represent plain = representers.get(String.class);
            representers.put(String.class, data -> ((String) data).chars().anyMatch(QuotingRepresenter::isRisky)
                    ? representScalar(Tag.STR, (String) data, DumperOptions.ScalarStyle.DOUBLE_QUOTED)
                    : plain.representData(data));
        }

        private static boolean isRisky(int c) {
            return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\uFEFF';
        }
    }

    private static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }

    static QdbState parse(Path file, String text) {
        Object document;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setAllowRecursiveKeys(false);
            document = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw QdbException.corrupt(file, "not valid YAML: " + e.getMessage(), e);
        }
        if (document == null) {
            throw QdbException.corrupt(file, "the file is empty", null);
        }
        Fields root = Fields.of(file, "", document, "format", "formatVersion", "version", "shards",
                "distributions", "relations", "referenceRelations", "keyRanges", "kv");
        if (!FORMAT.equals(root.string("format"))) {
            throw QdbException.corrupt(file, "format is " + root.string("format") + ", expected " + FORMAT, null);
        }
        if (root.integer("formatVersion") != FORMAT_VERSION) {
            throw QdbException.corrupt(file, "formatVersion " + root.integer("formatVersion")
                    + " is not supported (this version reads " + FORMAT_VERSION + ")", null);
        }
        long version = root.integer("version");
        if (version < 0) {
            throw QdbException.corrupt(file, "version " + version + " is negative", null);
        }
        List<MetadataChange> changes = new ArrayList<>();
        Map<String, Distribution> distributions = new HashMap<>();
        try {
            for (Fields shard : root.objects("shards", "id", "hosts")) {
                changes.add(new MetadataChange.CreateShard(new Shard(shard.string("id"), shard.strings("hosts"))));
            }
            for (Fields item : root.objects("distributions", "id", "columnTypes", "defaultShard?")) {
                Distribution distribution = new Distribution(item.string("id"),
                        item.strings("columnTypes").stream().map(ColumnType::parse).toList(),
                        Optional.ofNullable(item.optionalString("defaultShard")));
                distributions.put(distribution.id(), distribution);
                changes.add(new MetadataChange.CreateDistribution(distribution));
            }
            for (Fields item : root.objects("relations", "schema", "name", "distribution", "keyColumns")) {
                List<DistributionKeyColumn> columns = new ArrayList<>();
                for (Fields column : item.objects("keyColumns", "column", "hash")) {
                    columns.add(new DistributionKeyColumn(column.string("column"), HashFunction.parse(column.string("hash"))));
                }
                changes.add(new MetadataChange.AttachRelation(new DistributedRelation(
                        new QualifiedName(item.string("schema"), item.string("name")), item.string("distribution"), columns)));
            }
            for (Fields item : root.objects("referenceRelations", "schema", "name", "shards")) {
                changes.add(new MetadataChange.CreateReferenceRelation(new ReferenceRelation(
                        new QualifiedName(item.string("schema"), item.string("name")), item.strings("shards"))));
            }
            for (Fields item : root.objects("keyRanges", "id", "distribution", "lowerBound", "shard", "locked")) {
                String distributionId = item.string("distribution");
                Distribution distribution = distributions.get(distributionId);
                if (distribution == null) {
                    throw item.error("distribution", "distribution \"" + distributionId + "\" is not in the file");
                }
                KeyBound bound = distribution.parseBound(item.strings("lowerBound"));
                changes.add(new MetadataChange.CreateKeyRange(new KeyRange(item.string("id"), bound,
                        item.string("shard"), distributionId, item.bool("locked"))));
            }
            Metadata metadata = Metadata.empty().apply(changes);
            TreeMap<String, byte[]> kv = new TreeMap<>();
            root.stringMap("kv").forEach((key, value) -> kv.put(key, root.base64("kv", key, value)));
            return new QdbState(version, metadata, kv);
        } catch (QdbException e) {
            throw e;
        } catch (MetadataException e) {
            throw QdbException.corrupt(file, e.getMessage(), e);
        }
    }
}
