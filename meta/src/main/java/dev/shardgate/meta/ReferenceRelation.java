package dev.shardgate.meta;

import java.util.List;

/** A table copied in full to several shards; an empty shard list means every shard. */
public record ReferenceRelation(QualifiedName name, List<String> shardIds) {

    public ReferenceRelation {
        if (name == null) {
            throw new MetadataException(MetadataException.INVALID_NAME, "relation name must not be empty");
        }
        shardIds = List.copyOf(shardIds);
    }

    public boolean isOnAllShards() {
        return shardIds.isEmpty();
    }
}
