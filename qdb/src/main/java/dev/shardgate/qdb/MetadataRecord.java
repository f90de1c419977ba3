package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The value of an etcd store's metadata key: one version's snapshot together with the batch of
 * changes that produced it, so that a single read, or a single watch event, is a whole {@link
 * QdbEvent}. YAML in UTF-8, format version 1:
 *
 * <pre>
 * format: shardgate-qdb-metadata
 * formatVersion: 1
 * version: 7
 * changes: [{change: createShard, id, hosts}, ...]   # see {@link ChangeYaml}
 * shards: ... keyRanges: ...                         # see {@link MetadataYaml}
 * </pre>
 *
 * Reading is as strict as the state file's.
 */
final class MetadataRecord {
    static final String FORMAT = "shardgate-qdb-metadata";
    static final int FORMAT_VERSION = 1;

    private MetadataRecord() {
    }

    static byte[] format(long version, List<MetadataChange> changes, Metadata metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("version", version);
        root.put("changes", ChangeYaml.write(changes));
        MetadataYaml.write(metadata, root);
        return MetadataYaml.dump(root).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param key the etcd key the record was read from, for messages
     * @throws QdbException (XX001) when the record is not one this version writes
     */
    static QdbEvent parse(String key, byte[] bytes) {
        String source = "etcd key " + key;
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw QdbException.corrupt(source, "not valid UTF-8", e);
        }
        Object document = MetadataYaml.load(source, "record", text);
        Fields root = Fields.of(source, "", document, Stream.concat(Stream.of("format", "formatVersion", "version", "changes"),
                MetadataYaml.FIELDS.stream()).toArray(String[]::new));
        if (!FORMAT.equals(root.string("format"))) {
            throw QdbException.corrupt(source, "format is " + root.string("format") + ", expected " + FORMAT, null);
        }
        if (root.integer("formatVersion") != FORMAT_VERSION) {
            throw QdbException.corrupt(source, "formatVersion " + root.integer("formatVersion")
                    + " is not supported (this version reads " + FORMAT_VERSION + ")", null);
        }
        long version = root.integer("version");
        if (version < 1) {
            throw QdbException.corrupt(source, "version " + version + " is not positive", null);
        }
        try {
            List<MetadataChange> changes = ChangeYaml.read(root, "changes");
            return new QdbEvent(version, changes, MetadataYaml.read(root, "record"));
        } catch (QdbException e) {
            throw e;
        } catch (MetadataException e) {
            throw QdbException.corrupt(source, e.getMessage(), e);
        }
    }
}
