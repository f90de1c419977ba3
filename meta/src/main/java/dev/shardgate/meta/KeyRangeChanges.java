package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataException.quote;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Validation and effect of the changes to key ranges. */
final class KeyRangeChanges {
    private KeyRangeChanges() {
    }

    static void create(MetadataDraft draft, KeyRange range) {
        requireNewId(draft, range.id());
        Distribution distribution = draft.requireDistribution(range.distributionId());
        draft.requireShard(range.shardId());
        range.lowerBound().checkFits(distribution.columnTypes(), distribution.id());
        KeyRange sameBound = draft.rangesOf(distribution.id()).get(range.lowerBound());
        if (sameBound != null) {
            throw KeyRangeIndex.sameLowerBound(range, sameBound);
        }
        draft.putRange(range);
    }

    static void drop(MetadataDraft draft, String id) {
        KeyRange range = draft.requireKeyRange(id);
        requireUnlocked(range, "drop");
        draft.removeRange(range);
    }

    static void dropAll(MetadataDraft draft) {
        List<String> locked = draft.keyRanges.values().stream().filter(KeyRange::locked).map(r -> quote(r.id())).toList();
        if (!locked.isEmpty()) {
            throw new MetadataException(MetadataException.OBJECT_IN_USE,
                    "cannot drop all key ranges because key ranges are locked: " + MetadataDraft.list(locked));
        }
        for (KeyRange range : List.copyOf(draft.keyRanges.values())) {
            draft.removeRange(range);
        }
    }

    static void split(MetadataDraft draft, String newId, String sourceId, KeyBound bound) {
        KeyRange source = draft.requireKeyRange(sourceId);
        requireNewId(draft, newId);
        requireUnlocked(source, "split");
        Distribution distribution = draft.requireDistribution(source.distributionId());
        bound.checkFits(distribution.columnTypes(), distribution.id());
        KeyBound upper = draft.rangesOf(source.distributionId()).higherKey(source.lowerBound());
        boolean inside = bound.compareTo(source.lowerBound()) > 0 && (upper == null || bound.compareTo(upper) < 0);
        if (!inside) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "split bound " + bound + " is not inside key range " + quote(sourceId) + ", which covers "
                            + covers(source.lowerBound(), upper) + "; the bound must be above the lower bound"
                            + (upper == null ? "" : " and below the upper bound"));
        }
        draft.putRange(new KeyRange(newId, bound, source.shardId(), source.distributionId(), false));
    }

    static void unite(MetadataDraft draft, String id, String otherId) {
        KeyRange range = draft.requireKeyRange(id);
        KeyRange other = draft.requireKeyRange(otherId);
        if (id.equals(otherId)) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "cannot unite key range " + quote(id) + " with itself");
        }
        requireUnlocked(range, "unite");
        requireUnlocked(other, "unite");
        String both = "cannot unite key ranges " + quote(id) + " and " + quote(otherId);
        if (!range.distributionId().equals(other.distributionId())) {
            throw new MetadataException(MetadataException.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    both + ": they belong to distributions " + quote(range.distributionId()) + " and "
                            + quote(other.distributionId()));
        }
        if (!range.shardId().equals(other.shardId())) {
            throw new MetadataException(MetadataException.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    both + ": they route to shards " + quote(range.shardId()) + " and " + quote(other.shardId()));
        }
        TreeMap<KeyBound, KeyRange> ranges = draft.rangesOf(range.distributionId());
        boolean rangeFirst = range.lowerBound().compareTo(other.lowerBound()) < 0;
        KeyRange lower = rangeFirst ? range : other;
        KeyRange upper = rangeFirst ? other : range;
        Map.Entry<KeyBound, KeyRange> next = ranges.higherEntry(lower.lowerBound());
        if (next == null || !next.getValue().id().equals(upper.id())) {
            throw new MetadataException(MetadataException.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    both + ": they are not adjacent (key range " + quote(next == null ? "?" : next.getValue().id())
                            + " lies between them)");
        }
        draft.removeRange(other);
        draft.putRange(range.withLowerBound(lower.lowerBound()));
    }

    static void lock(MetadataDraft draft, String id) {
        KeyRange range = draft.requireKeyRange(id);
        if (range.locked()) {
            throw new MetadataException(MetadataException.OBJECT_IN_USE, "key range " + quote(id) + " is already locked");
        }
        draft.putRange(range.withLocked(true));
    }

    static void unlock(MetadataDraft draft, String id) {
        draft.putRange(draft.requireKeyRange(id).withLocked(false));
    }

    static void move(MetadataDraft draft, String id, String toShardId) {
        KeyRange range = draft.requireKeyRange(id);
        draft.requireShard(toShardId);
        draft.putRange(range.withShard(toShardId));
    }

    private static void requireNewId(MetadataDraft draft, String id) {
        MetadataException.requireName(id, "key range id");
        if (draft.keyRanges.containsKey(id)) {
            throw new MetadataException(MetadataException.DUPLICATE_OBJECT, "key range " + quote(id) + " already exists");
        }
    }

    private static void requireUnlocked(KeyRange range, String verb) {
        if (range.locked()) {
            throw new MetadataException(MetadataException.OBJECT_IN_USE,
                    "cannot " + verb + " key range " + quote(range.id()) + " because it is locked");
        }
    }

    private static String covers(KeyBound lower, KeyBound upper) {
        return upper == null
                ? "from " + lower + " up"
                : "from " + lower + " (inclusive) to " + upper + " (exclusive)";
    }
}
