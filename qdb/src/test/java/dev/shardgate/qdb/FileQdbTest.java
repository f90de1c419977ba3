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
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileQdbTest extends QdbContract {
    @TempDir
    Path directory;

    Path file() {
        return directory.resolve("qdb.yaml");
    }

    @Override
    Qdb newQdb() {
        return FileQdb.open(file());
    }

    /** Every kind of object, every column type, awkward strings. */
    static final List<MetadataChange> RICH = List.of(
            new MetadataChange.CreateShard(new Shard("sh1", List.of("db1:5432", "[::1]:6432"))),
            new MetadataChange.CreateShard(new Shard("sh2", List.of())),
            new MetadataChange.CreateDistribution(new Distribution("ds1",
                    List.of(ColumnType.INTEGER, ColumnType.VARCHAR, ColumnType.UUID), Optional.of("sh2"))),
            new MetadataChange.CreateDistribution(new Distribution("ds2", List.of(ColumnType.VARCHAR_HASH))),
            new MetadataChange.AttachRelation(new DistributedRelation(new QualifiedName("sales", "orders"), "ds1",
                    List.of(DistributionKeyColumn.of("id"), DistributionKeyColumn.of("name"), DistributionKeyColumn.of("u")),
                    List.of(AutoIncrementColumn.of("id"), new AutoIncrementColumn("serial: no", -9223372036854775808L)))),
            new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("users.v2"), "ds2",
                    List.of(new DistributionKeyColumn("email", HashFunction.CITY)))),
            new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("countries"), List.of())),
            new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("rates"), List.of("sh1"))),
            new MetadataChange.CreateKeyRange(new KeyRange("kr1", KeyBound.of(KeyValue.integer(-9223372036854775808L),
                    KeyValue.varchar(""), KeyValue.uuid(new UUID(0, 0))), "sh1", "ds1")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr2", KeyBound.of(KeyValue.integer(100),
                    KeyValue.varchar("it's: \"yes\"\n# not a comment ключ 😀"), KeyValue.uuid(new UUID(-1, -1))), "sh2", "ds1")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr3", KeyBound.of(KeyValue.hash(4294967295L)), "sh1", "ds2")),
            new MetadataChange.LockKeyRange("kr2"),
            new MetadataChange.CreateUniqueIndex(new dev.shardgate.meta.UniqueIndex("ui: \"1\"", new QualifiedName("sales", "orders"),
                    List.of(new dev.shardgate.meta.UniqueIndex.Column("id", ColumnType.INTEGER),
                            new dev.shardgate.meta.UniqueIndex.Column("name", ColumnType.VARCHAR_HASH)))),
            new MetadataChange.CreateUniqueIndex(new dev.shardgate.meta.UniqueIndex("ui2", QualifiedName.of("users.v2"),
                    List.of(new dev.shardgate.meta.UniqueIndex.Column("email", ColumnType.VARCHAR)))));

    @Test
    void survivesReopenWithIdenticalState() {
        Metadata written = qdb.apply(RICH);
        qdb.apply(new MetadataChange.CreateShard(new Shard("sh3", List.of("db3:5432"))));
        qdb.put("task/1", bytes("{\"state\":\"PLANNED\"}"));
        qdb.put("binary", new byte[] {0, (byte) 0xff, 10, 13});
        qdb.put("ключ: with spaces", new byte[0]);
        Metadata expected = written.apply(new MetadataChange.CreateShard(new Shard("sh3", List.of("db3:5432"))));
        qdb.close();

        try (Qdb reopened = FileQdb.open(file())) {
            assertThat(reopened.snapshot()).isEqualTo(expected);
            assertThat(reopened.snapshot().index("ds1").ranges()).isEqualTo(expected.index("ds1").ranges());
            assertThat(reopened.version()).isEqualTo(2);
            assertThat(reopened.scan("")).containsOnlyKeys("task/1", "binary", "ключ: with spaces");
            assertThat(reopened.get("binary").orElseThrow()).containsExactly(0, 0xff, 10, 13);
            assertThat(reopened.get("ключ: with spaces").orElseThrow()).isEmpty();
            assertThat(reopened.get("task/1").orElseThrow()).isEqualTo(bytes("{\"state\":\"PLANNED\"}"));
        }
    }

    @Test
    void writesAReadableFile() throws IOException {
        qdb.apply(QdbContract.SETUP);
        String text = Files.readString(file());
        assertThat(text).contains("format: shardgate-qdb\nformatVersion: 1\nversion: 1\n");
        assertThat(text).contains("- id: kr1\n  distribution: ds1\n  lowerBound:\n  - '0'\n  shard: sh1\n  locked: false\n");
        assertThat(text).contains("columnTypes:\n  - integer\n");
    }

    @Test
    void createsTheFileAtOpenAndLeavesNoTemporary() throws IOException {
        assertThat(file()).exists();
        assertThat(Files.readString(file())).contains("version: 0");
        qdb.apply(QdbContract.SETUP);
        qdb.put("a", bytes("b"));
        assertThat(directory.resolve("qdb.yaml.tmp")).doesNotExist();
        try (var listing = Files.list(directory)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("qdb.yaml", "qdb.yaml.lock");
        }
    }

    @Test
    void removesATemporaryLeftByAnInterruptedWrite() throws IOException {
        qdb.apply(QdbContract.SETUP);
        qdb.close();
        Files.writeString(directory.resolve("qdb.yaml.tmp"), "format: shardgate-qdb\nformatVers");
        try (Qdb reopened = FileQdb.open(file())) {
            assertThat(reopened.snapshot()).isEqualTo(Metadata.empty().apply(QdbContract.SETUP));
        }
        assertThat(directory.resolve("qdb.yaml.tmp")).doesNotExist();
    }

    @Test
    void aFailedWriteChangesNothing() throws IOException {
        qdb.apply(QdbContract.SETUP);
        String before = Files.readString(file());
        // A directory where the temporary file goes makes the write fail.
        Files.createDirectory(directory.resolve("qdb.yaml.tmp"));
        assertThatThrownBy(() -> qdb.apply(new MetadataChange.CreateShard(new Shard("sh2", List.of()))))
                .isInstanceOf(QdbException.class)
                .hasMessageStartingWith("could not write qdb file " + file())
                .satisfies(e -> assertThat(((QdbException) e).sqlState()).isEqualTo("58030"));
        // The failed write cleaned up after itself, so block the next one again.
        Files.createDirectory(directory.resolve("qdb.yaml.tmp"));
        assertThatThrownBy(() -> qdb.put("k", bytes("v"))).isInstanceOf(QdbException.class);
        assertThat(qdb.version()).isEqualTo(1);
        assertThat(qdb.snapshot().shards()).containsOnlyKeys("sh1");
        assertThat(qdb.get("k")).isEmpty();
        assertThat(Files.readString(file())).isEqualTo(before);
    }

    @Test
    void refusesASecondStoreOnTheSameFile() {
        assertThatThrownBy(() -> FileQdb.open(file()))
                .isInstanceOf(QdbException.class)
                .hasMessageStartingWith("qdb file " + file() + " is in use by another store")
                .satisfies(e -> assertThat(((QdbException) e).sqlState()).isEqualTo("55006"));
        qdb.close();
        FileQdb.open(file()).close();
    }
}
