package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The YAML form of a store's state, format version 1:
 *
 * <pre>
 * format: shardgate-qdb
 * formatVersion: 1
 * version: 7                       # metadata version
 * shards: ... keyRanges: ...       # the snapshot, see {@link MetadataYaml}
 * kv:                 {key: base64 value}
 * </pre>
 *
 * Reading is strict: unknown or missing fields, wrong types and metadata that does not validate
 * are errors naming the file and the place, never skipped.
 */
final class StateFile {
    static final String FORMAT = "shardgate-qdb";
    static final int FORMAT_VERSION = 1;
    private static final String HEADER = "# Shardgate QDB state, rewritten whole on every change."
            + " Edit only while no process has it open.\n";

    private StateFile() {
    }

    static String format(QdbState state) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("version", state.version());
        MetadataYaml.write(state.metadata(), root);
        Map<String, String> kv = new LinkedHashMap<>();
        state.kv().forEach((key, value) -> kv.put(key, Base64.getEncoder().encodeToString(value)));
        root.put("kv", kv);
        return HEADER + MetadataYaml.dump(root);
    }

    static QdbState parse(Path file, String text) {
        String source = QdbException.fileSource(file);
        Object document = MetadataYaml.load(source, "file", text);
        Fields root = Fields.of(source, "", document, Stream.concat(Stream.of("format", "formatVersion", "version", "kv"),
                MetadataYaml.FIELDS.stream()).toArray(String[]::new));
        if (!FORMAT.equals(root.string("format"))) {
            throw QdbException.corrupt(source, "format is " + root.string("format") + ", expected " + FORMAT, null);
        }
        if (root.integer("formatVersion") != FORMAT_VERSION) {
            throw QdbException.corrupt(source, "formatVersion " + root.integer("formatVersion")
                    + " is not supported (this version reads " + FORMAT_VERSION + ")", null);
        }
        long version = root.integer("version");
        if (version < 0) {
            throw QdbException.corrupt(source, "version " + version + " is negative", null);
        }
        try {
            Metadata metadata = MetadataYaml.read(root, "file");
            TreeMap<String, byte[]> kv = new TreeMap<>();
            root.stringMap("kv").forEach((key, value) -> kv.put(key, root.base64("kv", key, value)));
            return new QdbState(version, metadata, kv);
        } catch (QdbException e) {
            throw e;
        } catch (MetadataException e) {
            throw QdbException.corrupt(source, e.getMessage(), e);
        }
    }
}
