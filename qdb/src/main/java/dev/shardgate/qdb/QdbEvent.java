package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import java.util.List;

/** A batch of changes applied at {@code version}, and the snapshot it produced. */
public record QdbEvent(long version, List<MetadataChange> changes, Metadata snapshot) {

    public QdbEvent {
        changes = List.copyOf(changes);
    }
}
