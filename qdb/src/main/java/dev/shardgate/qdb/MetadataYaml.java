package dev.shardgate.qdb;

import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.DistributionKeyEntry;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.Shard;
import dev.shardgate.meta.UniqueIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Represent;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The YAML form of a metadata snapshot, shared by the state file ({@link StateFile}) and the etcd
 * record ({@link MetadataRecord}):
 *
 * <pre>
 * shards:             [{id, hosts: [host:port, ...]}]
 * distributions:      [{id, columnTypes: [integer, varchar hash, ...], defaultShard?}]
 * relations:          [{schema, name, distribution, keyColumns: [{column, hash} | {hash, expression}],
 *                       autoIncrement?: [{column, start}]}]   # absent = none
 *                     # a routing expression: {hash: murmur, expression: [{column, type}, ...]}
 * referenceRelations: [{schema, name, shards: [...],
 *                       autoIncrement?: [{column, start}]}]   # no shards = all shards
 * keyRanges:          [{id, distribution, lowerBound: ['100', ...], shard, locked}]
 * uniqueIndexes?:     [{id, schema, name, columns: [{column, type}]}]   # absent = none
 * </pre>
 *
 * Reading rebuilds the snapshot through {@link Metadata#apply}, so stored metadata passes exactly
 * the validation the console's changes pass.
 */
final class MetadataYaml {
    /** The top-level fields {@link #write} adds, in order. */
    static final List<String> FIELDS = List.of("shards", "distributions", "relations", "referenceRelations", "keyRanges",
            "uniqueIndexes?");

    private MetadataYaml() {
    }

    static void write(Metadata metadata, Map<String, Object> root) {
        root.put("shards", metadata.shards().values().stream().map(MetadataYaml::shard).toList());
        root.put("distributions", metadata.distributions().values().stream().map(MetadataYaml::distribution).toList());
        root.put("relations", metadata.relations().values().stream().map(MetadataYaml::relation).toList());
        root.put("referenceRelations", metadata.referenceRelations().values().stream()
                .map(MetadataYaml::referenceRelation).toList());
        root.put("keyRanges", metadata.keyRanges().values().stream().map(range -> fields(
                "id", range.id(), "distribution", range.distributionId(),
                "lowerBound", range.lowerBound().texts(), "shard", range.shardId(),
                "locked", range.locked())).toList());
        if (!metadata.uniqueIndexes().isEmpty()) {
            root.put("uniqueIndexes", metadata.uniqueIndexes().values().stream().map(MetadataYaml::uniqueIndex).toList());
        }
    }

    static Map<String, Object> uniqueIndex(UniqueIndex index) {
        return fields("id", index.id(), "schema", index.relation().schema(), "name", index.relation().name(),
                "columns", index.columns().stream().map(column -> fields(
                        "column", column.name(), "type", column.type().consoleName())).toList());
    }

    static UniqueIndex readUniqueIndex(Fields item) {
        return new UniqueIndex(item.string("id"), name(item), item.objects("columns", "column", "type").stream()
                .map(column -> new UniqueIndex.Column(column.string("column"), ColumnType.parse(column.string("type"))))
                .toList());
    }

    /**
     * @param container what holds the snapshot, for messages: {@code file} or {@code record}
     * @throws dev.shardgate.meta.MetadataException when the metadata does not validate; the caller
     *         reports it as corruption of its source
     */
    static Metadata read(Fields root, String container) {
        List<MetadataChange> changes = new ArrayList<>();
        Map<String, Distribution> distributions = new HashMap<>();
        for (Fields item : root.objects("shards", "id", "hosts")) {
            changes.add(new MetadataChange.CreateShard(readShard(item)));
        }
        for (Fields item : root.objects("distributions", "id", "columnTypes", "defaultShard?")) {
            Distribution distribution = readDistribution(item);
            distributions.put(distribution.id(), distribution);
            changes.add(new MetadataChange.CreateDistribution(distribution));
        }
        for (Fields item : root.objects("relations", "schema", "name", "distribution", "keyColumns", "autoIncrement?")) {
            changes.add(new MetadataChange.AttachRelation(readRelation(item)));
        }
        for (Fields item : root.objects("referenceRelations", "schema", "name", "shards", "autoIncrement?")) {
            changes.add(new MetadataChange.CreateReferenceRelation(readReferenceRelation(item)));
        }
        for (Fields item : root.objects("keyRanges", "id", "distribution", "lowerBound", "shard", "locked")) {
            String distributionId = item.string("distribution");
            Distribution distribution = distributions.get(distributionId);
            if (distribution == null) {
                throw item.error("distribution", "distribution \"" + distributionId + "\" is not in the " + container);
            }
            KeyBound bound = distribution.parseBound(item.strings("lowerBound"));
            changes.add(new MetadataChange.CreateKeyRange(new KeyRange(item.string("id"), bound,
                    item.string("shard"), distributionId, item.bool("locked"))));
        }
        if (root.has("uniqueIndexes")) {
            for (Fields item : root.objects("uniqueIndexes", "id", "schema", "name", "columns")) {
                changes.add(new MetadataChange.CreateUniqueIndex(readUniqueIndex(item)));
            }
        }
        return Metadata.empty().apply(changes);
    }

    static Map<String, Object> shard(Shard shard) {
        return fields("id", shard.id(), "hosts", shard.hosts());
    }

    static Shard readShard(Fields item) {
        return new Shard(item.string("id"), item.strings("hosts"));
    }

    static Map<String, Object> distribution(Distribution distribution) {
        Map<String, Object> fields = fields("id", distribution.id(),
                "columnTypes", distribution.columnTypes().stream().map(ColumnType::consoleName).toList());
        distribution.defaultShard().ifPresent(shard -> fields.put("defaultShard", shard));
        return fields;
    }

    static Distribution readDistribution(Fields item) {
        return new Distribution(item.string("id"),
                item.strings("columnTypes").stream().map(ColumnType::parse).toList(),
                Optional.ofNullable(item.optionalString("defaultShard")));
    }

    /** Without auto-increment columns the field is left out, so such relations read as before it existed. */
    static Map<String, Object> relation(DistributedRelation relation) {
        Map<String, Object> fields = fields("schema", relation.name().schema(), "name", relation.name().name(),
                "distribution", relation.distributionId(),
                "keyColumns", relation.keyColumns().stream().map(MetadataYaml::keyEntry).toList());
        if (!relation.autoIncrement().isEmpty()) {
            fields.put("autoIncrement", autoIncrement(relation.autoIncrement()));
        }
        return fields;
    }

    /**
     * A key column as {@code {column, hash}}, the form stored before routing expressions existed; a
     * routing expression as {@code {hash, expression: [{column, type}]}}.
     */
    private static Map<String, Object> keyEntry(DistributionKeyEntry entry) {
        return switch (entry) {
            case DistributionKeyColumn column -> fields("column", column.column(), "hash", column.hash().consoleName());
            case RoutingExpression expression -> fields("hash", expression.hash().consoleName(),
                    "expression", expression.columns().stream()
                            .map(c -> fields("column", c.column(), "type", c.type().consoleName())).toList());
        };
    }

    /** Reads a mapping with the fields {@link #relation} writes; autoIncrement may be absent. */
    static DistributedRelation readRelation(Fields item) {
        List<DistributionKeyEntry> columns = new ArrayList<>();
        for (Fields column : item.objects("keyColumns", "column?", "hash", "expression?")) {
            HashFunction hash = HashFunction.parse(column.string("hash"));
            if (column.has("expression") == column.has("column")) {
                throw column.error("column", "a key column has either a column or an expression");
            }
            if (column.has("column")) {
                columns.add(new DistributionKeyColumn(column.string("column"), hash));
            } else {
                List<RoutingExpression.TypedColumn> typed = new ArrayList<>();
                for (Fields ref : column.objects("expression", "column", "type")) {
                    typed.add(new RoutingExpression.TypedColumn(ref.string("column"), ColumnType.parse(ref.string("type"))));
                }
                columns.add(new RoutingExpression(hash, typed));
            }
        }
        return new DistributedRelation(name(item), item.string("distribution"), columns, readAutoIncrement(item));
    }

    static Map<String, Object> referenceRelation(ReferenceRelation relation) {
        Map<String, Object> fields = fields("schema", relation.name().schema(), "name", relation.name().name(),
                "shards", relation.shardIds());
        if (!relation.autoIncrement().isEmpty()) {
            fields.put("autoIncrement", autoIncrement(relation.autoIncrement()));
        }
        return fields;
    }

    /** Reads a mapping with the fields {@link #referenceRelation} writes; autoIncrement may be absent. */
    static ReferenceRelation readReferenceRelation(Fields item) {
        return new ReferenceRelation(name(item), item.strings("shards"), readAutoIncrement(item));
    }

    private static List<Map<String, Object>> autoIncrement(List<AutoIncrementColumn> columns) {
        return columns.stream().map(column -> fields("column", column.column(), "start", column.start())).toList();
    }

    private static List<AutoIncrementColumn> readAutoIncrement(Fields item) {
        List<AutoIncrementColumn> autoIncrement = new ArrayList<>();
        if (item.has("autoIncrement")) {
            for (Fields column : item.objects("autoIncrement", "column", "start")) {
                autoIncrement.add(new AutoIncrementColumn(column.string("column"), column.integer("start")));
            }
        }
        return autoIncrement;
    }

    static QualifiedName name(Fields item) {
        return new QualifiedName(item.string("schema"), item.string("name"));
    }

    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }

    /** Block style, one value per line, every string kept exactly (see {@link QuotingRepresenter}). */
    static String dump(Map<String, Object> root) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setAllowUnicode(true);
        options.setWidth(Integer.MAX_VALUE);
        // Escape characters YAML may not hold raw (U+FFFE, C1 controls, ...) instead of dumping !!binary.
        options.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
        // A list shared by two objects (List.of(), a shard's hosts in a change and in the snapshot)
        // is written twice rather than as an anchor and an alias that readers must resolve.
        options.setDereferenceAliases(true);
        return new Yaml(new QuotingRepresenter(options), options).dump(root);
    }

    /** Plain data only (no tags that build objects), duplicate keys refused. */
    static Object load(String source, String container, String text) {
        Object document;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setAllowRecursiveKeys(false);
            document = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw QdbException.corrupt(source, "not valid YAML: " + e.getMessage(), e);
        }
        if (document == null) {
            throw QdbException.corrupt(source, "the " + container + " is empty", null);
        }
        return document;
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
}
