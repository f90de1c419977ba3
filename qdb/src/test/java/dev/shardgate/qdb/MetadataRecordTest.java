package dev.shardgate.qdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.ReferenceRelation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The etcd record gives back every kind of change and the snapshot exactly, and refuses garbage. */
class MetadataRecordTest {
    private static final String KEY = "/shardgate/metadata";

    /** Every change kind once, in an order that validates after {@link FileQdbTest#RICH}. */
    static final List<MetadataChange> EVERY_KIND = List.of(
            new MetadataChange.AddShardHosts("sh2", List.of("db2:5432", "[::1]:6433")),
            new MetadataChange.DropShardHosts("sh2", List.of("db2:5432")),
            new MetadataChange.UnlockKeyRange("kr2"),
            new MetadataChange.SplitKeyRange("kr2b", "kr2", KeyBound.of(KeyValue.integer(100),
                    KeyValue.varchar("z: 'q'\n"), KeyValue.uuid(new UUID(-1, -1)))),
            new MetadataChange.UniteKeyRanges("kr2", "kr2b"),
            new MetadataChange.SplitKeyRange("kr1b", "kr1", KeyBound.of(KeyValue.integer(5),
                    KeyValue.varchar("a"), KeyValue.uuid(new UUID(0, 1)))),
            new MetadataChange.DropKeyRange("kr1b"),
            new MetadataChange.LockKeyRange("kr1"),
            new MetadataChange.MoveKeyRange("kr1", "sh2"),
            new MetadataChange.DropUniqueIndex("ui2"),
            new MetadataChange.DetachRelation(new QualifiedName("sales", "orders")),
            new MetadataChange.DropReferenceRelation(QualifiedName.of("rates")),
            new MetadataChange.UnlockKeyRange("kr1"),
            new MetadataChange.DropAllKeyRanges(),
            new MetadataChange.SetDefaultShard("ds2", java.util.Optional.of("sh2")),
            new MetadataChange.SetDefaultShard("ds2", java.util.Optional.empty()),
            new MetadataChange.DropDistribution("ds2", true),
            new MetadataChange.DropReferenceRelation(QualifiedName.of("countries")),
            new MetadataChange.DropDistribution("ds1", false),
            new MetadataChange.DropShard("sh1"));

    @Test
    void roundTripsEveryChangeKindAndTheSnapshot() {
        List<MetadataChange> all = new ArrayList<>(FileQdbTest.RICH);
        all.addAll(EVERY_KIND);
        Metadata rich = Metadata.empty().apply(FileQdbTest.RICH);
        assertThat(rich.apply(EVERY_KIND).shards()).containsOnlyKeys("sh2");

        QdbEvent read = MetadataRecord.parse(KEY, MetadataRecord.format(9, all, rich));
        assertThat(read.version()).isEqualTo(9);
        assertThat(read.changes()).isEqualTo(all);
        assertThat(read.snapshot()).isEqualTo(rich);
    }

    @Test
    void writesReadableYaml() {
        String text = new String(MetadataRecord.format(1, QdbContract.SETUP, Metadata.empty().apply(QdbContract.SETUP)),
                StandardCharsets.UTF_8);
        assertThat(text).startsWith("format: shardgate-qdb-metadata\nformatVersion: 1\nversion: 1\nchanges:\n"
                + "- change: createShard\n  id: sh1\n  hosts:\n  - db1:5432\n");
        assertThat(text).contains("- change: createKeyRange\n  id: kr1\n  distribution: ds1\n  lowerBound:\n"
                + "  - integer: '0'\n  shard: sh1\n  locked: false\nshards:\n");
    }

    @Test
    void refusesWhatItDoesNotWrite() {
        String valid = new String(MetadataRecord.format(1, QdbContract.SETUP, Metadata.empty().apply(QdbContract.SETUP)),
                StandardCharsets.UTF_8);
        assertCorrupt(valid.replace("change: createShard", "change: createTable"),
                "changes[0].change: unknown change \"createTable\"");
        assertCorrupt(valid.replace("  - integer: '0'", "  - float: '0'"),
                "changes[2].lowerBound: unknown key value kind \"float\"");
        assertCorrupt(valid.replace("  - integer: '0'", "  - integer: 'x'"),
                "changes[2].lowerBound: \"x\" is not a number");
        assertCorrupt(valid.replace("- change: createShard\n  id: sh1\n", "- change: createShard\n  id: sh1\n  port: 1\n"),
                "changes[0] has unknown field port");
        assertCorrupt(valid.replace("version: 1\n", "version: 0\n"), "version 0 is not positive");
        assertCorrupt(valid.replace("format: shardgate-qdb-metadata", "format: shardgate-qdb"),
                "format is shardgate-qdb, expected shardgate-qdb-metadata");
        assertCorrupt("", "the record is empty");
        assertThatThrownBy(() -> MetadataRecord.parse(KEY, new byte[] {(byte) 0xff, 'a'}))
                .isInstanceOf(QdbException.class).hasMessage("etcd key " + KEY + " is corrupt: not valid UTF-8");
    }

    @Test
    void writesAutoIncrementColumnsOnlyForRelationsThatHaveThem() {
        List<MetadataChange> changes = new ArrayList<>(QdbContract.SETUP);
        changes.add(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("items"), "ds1",
                List.of(DistributionKeyColumn.of("id")), List.of(new AutoIncrementColumn("id", 1000)))));
        changes.add(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("plain"), "ds1",
                List.of(DistributionKeyColumn.of("id")))));
        Metadata metadata = Metadata.empty().apply(changes);
        byte[] record = MetadataRecord.format(1, changes, metadata);
        String text = new String(record, StandardCharsets.UTF_8);
        assertThat(text).contains("- change: attachRelation\n  schema: public\n  name: items\n  distribution: ds1\n"
                + "  keyColumns:\n  - column: id\n    hash: ident\n  autoIncrement:\n  - column: id\n    start: 1000\n"
                + "- change: attachRelation\n  schema: public\n  name: plain\n  distribution: ds1\n"
                + "  keyColumns:\n  - column: id\n    hash: ident\nshards:\n");

        QdbEvent read = MetadataRecord.parse(KEY, record);
        assertThat(read.changes()).isEqualTo(changes);
        assertThat(read.snapshot()).isEqualTo(metadata);
        assertThat(read.snapshot().sequenceUse("items_id")).isPresent();
        assertCorrupt(text.replace("    start: 1000\n", "    start: soon\n"),
                "changes[3].autoIncrement[0].start: must be an integer, not the string \"soon\"");
    }

    /** A routing expression is its own form; plain key columns keep the form stored before it existed. */
    @Test
    void roundTripsRoutingExpressions() {
        List<MetadataChange> changes = new ArrayList<>(QdbContract.SETUP);
        changes.add(new MetadataChange.CreateDistribution(new Distribution("dh", List.of(ColumnType.INTEGER, ColumnType.INTEGER_HASH))));
        changes.add(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("tr"), "dh",
                List.of(DistributionKeyColumn.of("tenant"), new RoutingExpression(HashFunction.MURMUR, List.of(
                        new RoutingExpression.TypedColumn("id1", ColumnType.INTEGER),
                        new RoutingExpression.TypedColumn("id2", ColumnType.VARCHAR_HASH)))))));
        Metadata metadata = Metadata.empty().apply(changes);
        byte[] record = MetadataRecord.format(1, changes, metadata);
        String text = new String(record, StandardCharsets.UTF_8);
        assertThat(text).contains("  keyColumns:\n  - column: tenant\n    hash: ident\n  - hash: murmur\n    expression:\n"
                + "    - column: id1\n      type: integer\n    - column: id2\n      type: varchar hash\n");

        QdbEvent read = MetadataRecord.parse(KEY, record);
        assertThat(read.changes()).isEqualTo(changes);
        assertThat(read.snapshot()).isEqualTo(metadata);
        assertCorrupt(text.replace("  - hash: murmur\n    expression:\n", "  - hash: murmur\n    column: x\n    expression:\n"),
                "changes[4].keyColumns[1].column: a key column has either a column or an expression");
    }

    @Test
    void referenceRelationAutoIncrementColumnsSurviveTheRecord() {
        List<MetadataChange> changes = List.of(
                new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("rates"), List.of(),
                        List.of(new AutoIncrementColumn("id", 42)))),
                new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("plain_ref"), List.of())));
        Metadata metadata = Metadata.empty().apply(changes);
        byte[] record = MetadataRecord.format(1, changes, metadata);
        String text = new String(record, StandardCharsets.UTF_8);
        assertThat(text).contains("  autoIncrement:\n  - column: id\n    start: 42\n");
        QdbEvent read = MetadataRecord.parse(KEY, record);
        assertThat(read.changes()).isEqualTo(changes);
        assertThat(read.snapshot()).isEqualTo(metadata);
        assertThat(read.snapshot().sequenceUse("rates_id")).isPresent();
    }

    private static void assertCorrupt(String text, String problem) {
        assertThatThrownBy(() -> MetadataRecord.parse(KEY, text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(QdbException.class)
                .hasMessage("etcd key " + KEY + " is corrupt: " + problem)
                .satisfies(e -> assertThat(((QdbException) e).sqlState()).isEqualTo("XX001"));
    }
}
