package dev.shardgate.qdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that does not hold a valid state stops the store from opening, and says why. */
class CorruptFileTest {
    @TempDir
    Path directory;

    private static final String VALID = """
            format: shardgate-qdb
            formatVersion: 1
            version: 3
            shards:
            - id: sh1
              hosts: [db1:5432]
            distributions:
            - id: ds1
              columnTypes: [integer]
            relations: []
            referenceRelations: []
            keyRanges:
            - id: kr1
              distribution: ds1
              lowerBound: [100]
              shard: sh1
              locked: false
            kv: {}
            """;

    private void assertCorrupt(String text, String problem) throws IOException {
        Path file = directory.resolve("qdb.yaml");
        Files.writeString(file, text);
        assertThatThrownBy(() -> FileQdb.open(file))
                .isInstanceOf(QdbException.class)
                .hasMessage("qdb file " + file + " is corrupt: " + problem)
                .satisfies(e -> assertThat(((QdbException) e).sqlState()).isEqualTo("XX001"));
        assertThat(Files.readString(file)).as("the file is left alone").isEqualTo(text);
        // The failed open released its lock: fixing the file is enough to open it.
        Files.writeString(file, VALID);
        FileQdb.open(file).close();
    }

    @Test
    void theValidFixtureOpens() throws IOException {
        Path file = directory.resolve("qdb.yaml");
        Files.writeString(file, VALID);
        try (Qdb qdb = FileQdb.open(file)) {
            assertThat(qdb.version()).isEqualTo(3);
            assertThat(qdb.snapshot().keyRange("kr1")).isPresent();
        }
    }

    @Test
    void rejectsEmptyAndMalformedFiles() throws IOException {
        assertCorrupt("", "the file is empty");
        assertCorrupt("- just\n- a list\n", "the top level must be a mapping, not a list");
        Path file = directory.resolve("qdb.yaml");
        Files.writeString(file, "format: [unclosed\n");
        assertThatThrownBy(() -> FileQdb.open(file))
                .isInstanceOf(QdbException.class)
                .hasMessageStartingWith("qdb file " + file + " is corrupt: not valid YAML: ");
    }

    @Test
    void rejectsDuplicateKeys() throws IOException {
        Path file = directory.resolve("qdb.yaml");
        Files.writeString(file, VALID + "version: 4\n");
        assertThatThrownBy(() -> FileQdb.open(file))
                .isInstanceOf(QdbException.class)
                .hasMessageContaining("not valid YAML")
                .hasMessageContaining("version");
    }

    @Test
    void rejectsOtherFormatsAndVersions() throws IOException {
        assertCorrupt(VALID.replace("format: shardgate-qdb", "format: spqr"), "format is spqr, expected shardgate-qdb");
        assertCorrupt(VALID.replace("formatVersion: 1", "formatVersion: 2"),
                "formatVersion 2 is not supported (this version reads 1)");
        assertCorrupt(VALID.replace("version: 3", "version: -3"), "version -3 is negative");
    }

    @Test
    void rejectsUnknownAndMissingFields() throws IOException {
        assertCorrupt(VALID + "extra: 1\n", "the top level has unknown field extra");
        assertCorrupt(VALID.replace("  locked: false\n", ""), "keyRanges[0] lacks field locked");
        assertCorrupt(VALID.replace("  hosts: [db1:5432]", "  hosts: [db1:5432]\n  weight: 2"),
                "shards[0] has unknown field weight");
    }

    @Test
    void rejectsWrongTypes() throws IOException {
        assertCorrupt(VALID.replace("locked: false", "locked: maybe"),
                "keyRanges[0].locked: must be true or false, not the string \"maybe\"");
        assertCorrupt(VALID.replace("shards:\n- id: sh1", "shards:\n- id: [sh1]"),
                "shards[0].id: must be a string, not a list");
        assertCorrupt(VALID.replace("kv: {}", "kv: {a: '!!!'}"), "kv: value of a is not base64: "
                + "Illegal base64 character 21");
    }

    @Test
    void rejectsMetadataThatDoesNotValidate() throws IOException {
        assertCorrupt(VALID.replace("lowerBound: [100]", "lowerBound: [abc]"),
                "bound \"abc\" is not a valid integer for column 1 (integer) of distribution \"ds1\"");
        assertCorrupt(VALID.replace("shard: sh1", "shard: sh9"), "shard \"sh9\" does not exist");
        assertCorrupt(VALID.replace("distribution: ds1", "distribution: ds9"),
                "keyRanges[0].distribution: distribution \"ds9\" is not in the file");
        assertCorrupt(VALID.replace("columnTypes: [integer]", "columnTypes: [float]"),
                "type \"float\" is not a distribution column type"
                        + " (expected integer, varchar, uuid, integer hash, varchar hash or uuid hash)");
        assertCorrupt(VALID.replace("hosts: [db1:5432]", "hosts: [db1]"),
                "invalid host \"db1\" for shard \"sh1\": expected host:port with a port from 1 to 65535");
    }

    @Test
    void reportsAnUnreadableFileAsAnIoError() throws IOException {
        Path file = directory.resolve("qdb.yaml");
        Files.createDirectory(file);
        assertThatThrownBy(() -> FileQdb.open(file))
                .isInstanceOf(QdbException.class)
                .hasMessageStartingWith("could not read qdb file " + file)
                .satisfies(e -> assertThat(((QdbException) e).sqlState()).isEqualTo("58030"));
    }
}
