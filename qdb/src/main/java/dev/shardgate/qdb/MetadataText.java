package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata and batches of changes as text, in the QDB's own YAML forms ({@link MetadataYaml},
 * {@link ChangeYaml}): how metadata travels between a coordinator and its routers. Reading is as
 * strict as reading a store: an unknown field or a malformed value is a {@link QdbException}.
 */
public final class MetadataText {

    private MetadataText() {
    }

    public static String snapshot(Metadata metadata) {
        Map<String, Object> root = new LinkedHashMap<>();
        MetadataYaml.write(metadata, root);
        return MetadataYaml.dump(root);
    }

    /** @param source what the text came from, for messages */
    public static Metadata parseSnapshot(String source, String text) {
        Fields root = Fields.of(source, "", MetadataYaml.load(source, "snapshot", text),
                MetadataYaml.FIELDS.toArray(String[]::new));
        try {
            return MetadataYaml.read(root, "snapshot");
        } catch (QdbException e) {
            throw e;
        } catch (MetadataException e) {
            throw QdbException.corrupt(source, e.getMessage(), e);
        }
    }

    public static String changes(List<MetadataChange> changes) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("changes", ChangeYaml.write(changes));
        return MetadataYaml.dump(root);
    }

    /** @param source what the text came from, for messages */
    public static List<MetadataChange> parseChanges(String source, String text) {
        Fields root = Fields.of(source, "", MetadataYaml.load(source, "change batch", text), "changes");
        try {
            return ChangeYaml.read(root, "changes");
        } catch (QdbException e) {
            throw e;
        } catch (MetadataException e) {
            throw QdbException.corrupt(source, e.getMessage(), e);
        }
    }
}
