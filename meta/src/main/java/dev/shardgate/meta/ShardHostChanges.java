package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataException.quote;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Validation and effect of ALTER SHARD … ADD HOST / DROP HOST. */
final class ShardHostChanges {
    private ShardHostChanges() {
    }

    static void add(MetadataDraft draft, String shardId, List<String> hosts) {
        Shard shard = draft.requireShard(shardId);
        Set<String> after = new LinkedHashSet<>(shard.hosts());
        for (String host : hosts) {
            if (!after.add(host)) {
                throw new MetadataException(MetadataException.DUPLICATE_OBJECT,
                        "host " + quote(host) + " of shard " + quote(shardId) + " already exists");
            }
        }
        draft.shards.put(shardId, new Shard(shardId, List.copyOf(after)));
    }

    static void drop(MetadataDraft draft, String shardId, List<String> hosts) {
        Shard shard = draft.requireShard(shardId);
        List<String> after = new ArrayList<>(shard.hosts());
        for (String host : hosts) {
            if (!after.remove(host)) {
                throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                        "host " + quote(host) + " of shard " + quote(shardId) + " does not exist");
            }
        }
        if (after.isEmpty()) {
            throw new MetadataException(MetadataException.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "cannot drop the last host of shard " + quote(shardId)
                            + ": a shard keeps at least one host; add the new host first, or use DROP SHARD");
        }
        draft.shards.put(shardId, new Shard(shardId, after));
    }
}
