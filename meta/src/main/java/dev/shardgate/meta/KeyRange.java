package dev.shardgate.meta;

/**
 * The keys of a distribution from {@code lowerBound} (inclusive) up to the next key range's lower
 * bound (exclusive), or without end for the last one, and the shard that holds them. A locked
 * range is being moved: routers hold or refuse its keys until it is unlocked.
 */
public record KeyRange(String id, KeyBound lowerBound, String shardId, String distributionId, boolean locked) {

    public KeyRange {
        MetadataException.requireName(id, "key range id");
        if (lowerBound == null) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "key range " + MetadataException.quote(id) + " needs a lower bound");
        }
        MetadataException.requireName(shardId, "shard id");
        MetadataException.requireName(distributionId, "distribution id");
    }

    public KeyRange(String id, KeyBound lowerBound, String shardId, String distributionId) {
        this(id, lowerBound, shardId, distributionId, false);
    }

    public KeyRange withId(String newId) {
        return new KeyRange(newId, lowerBound, shardId, distributionId, locked);
    }

    public KeyRange withLowerBound(KeyBound newLowerBound) {
        return new KeyRange(id, newLowerBound, shardId, distributionId, locked);
    }

    public KeyRange withShard(String newShardId) {
        return new KeyRange(id, lowerBound, newShardId, distributionId, locked);
    }

    public KeyRange withLocked(boolean newLocked) {
        return new KeyRange(id, lowerBound, shardId, distributionId, newLocked);
    }
}
