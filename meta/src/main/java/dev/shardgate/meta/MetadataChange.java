package dev.shardgate.meta;

import java.util.List;
import java.util.Optional;

/**
 * One change to the metadata, as the console and the coordinator issue them. {@link
 * Metadata#apply(MetadataChange)} validates and applies it; a QDB stores and replays them.
 */
public sealed interface MetadataChange {

    record CreateShard(Shard shard) implements MetadataChange {
    }

    /** Refused (2BP01) while key ranges, distributions (as default shard) or reference relations use it. */
    record DropShard(String shardId) implements MetadataChange {
    }

    /**
     * Adds hosts to a shard's list, at its end. Refused (42710) for a host the shard already has;
     * the host's role (primary or standby) is the server's to say, not the list's.
     */
    record AddShardHosts(String shardId, List<String> hosts) implements MetadataChange {
        public AddShardHosts {
            hosts = Shard.checkedHosts(shardId, hosts);
        }
    }

    /**
     * Removes hosts from a shard's list. Refused (42704) for a host the shard does not have, and
     * (55000) when no host would be left: a shard without hosts cannot serve its key ranges, and
     * adding the new host first makes the same drop valid.
     */
    record DropShardHosts(String shardId, List<String> hosts) implements MetadataChange {
        public DropShardHosts {
            hosts = Shard.checkedHosts(shardId, hosts);
        }
    }

    record CreateDistribution(Distribution distribution) implements MetadataChange {
    }

    /** Without {@code cascade}, refused (2BP01) while relations or key ranges belong to it. */
    record DropDistribution(String distributionId, boolean cascade) implements MetadataChange {
    }

    /**
     * Sets the shard that takes the keys no key range of the distribution covers, or with an empty
     * {@code shardId} removes it (those keys then have no shard again).
     */
    record SetDefaultShard(String distributionId, Optional<String> shardId) implements MetadataChange {
        public SetDefaultShard {
            shardId = shardId == null ? Optional.empty() : shardId;
        }
    }

    record AttachRelation(DistributedRelation relation) implements MetadataChange {
    }

    record DetachRelation(QualifiedName name) implements MetadataChange {
    }

    record CreateReferenceRelation(ReferenceRelation relation) implements MetadataChange {
    }

    record DropReferenceRelation(QualifiedName name) implements MetadataChange {
    }

    /** Refused (42710) for a taken id, (42P01) unless the relation is a distributed one. */
    record CreateUniqueIndex(UniqueIndex index) implements MetadataChange {
    }

    record DropUniqueIndex(String indexId) implements MetadataChange {
    }

    /** Creates the range as given, locked or not. */
    record CreateKeyRange(KeyRange keyRange) implements MetadataChange {
    }

    record DropKeyRange(String keyRangeId) implements MetadataChange {
    }

    /** Drops every key range of every distribution; refused (55006) while any is locked. */
    record DropAllKeyRanges() implements MetadataChange {
    }

    /**
     * Cuts the source range at {@code bound}: the source keeps the keys below it, a new unlocked
     * range {@code newKeyRangeId} on the same shard takes the keys from it on.
     */
    record SplitKeyRange(String newKeyRangeId, String sourceKeyRangeId, KeyBound bound) implements MetadataChange {
    }

    /**
     * Merges two adjacent ranges of one distribution on one shard, in either order, into {@code
     * keyRangeId}; {@code otherKeyRangeId} disappears.
     */
    record UniteKeyRanges(String keyRangeId, String otherKeyRangeId) implements MetadataChange {
    }

    /** Refused (55006) when already locked: the lock is what keeps two moves of one range apart. */
    record LockKeyRange(String keyRangeId) implements MetadataChange {
    }

    /** Unlocking an unlocked range is no error, so that recovery can always unlock. */
    record UnlockKeyRange(String keyRangeId) implements MetadataChange {
    }

    /** Points the range at another shard; allowed while locked, as a move does under its lock. */
    record MoveKeyRange(String keyRangeId, String toShardId) implements MetadataChange {
    }
}
