package dev.shardgate.meta;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The key ranges of one distribution sorted by lower bound, for finding a key's range by binary
 * search. Immutable.
 */
public final class KeyRangeIndex {
    private final String distributionId;
    private final KeyRange[] ranges;
    private final List<KeyRange> rangeList;

    private KeyRangeIndex(String distributionId, KeyRange[] sortedRanges) {
        this.distributionId = distributionId;
        this.ranges = sortedRanges;
        this.rangeList = List.of(sortedRanges);
    }

    /**
     * @throws MetadataException 42804 when a range belongs to another distribution or bounds do not
     *         compare, 42710 when two ranges share a lower bound
     */
    public static KeyRangeIndex of(String distributionId, Collection<KeyRange> ranges) {
        KeyRange[] sorted = ranges.toArray(new KeyRange[0]);
        for (KeyRange range : sorted) {
            if (!range.distributionId().equals(distributionId)) {
                throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                        "key range " + MetadataException.quote(range.id()) + " belongs to distribution "
                                + MetadataException.quote(range.distributionId()) + ", not "
                                + MetadataException.quote(distributionId));
            }
        }
        Arrays.sort(sorted, Comparator.comparing(KeyRange::lowerBound));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i - 1].lowerBound().compareTo(sorted[i].lowerBound()) == 0) {
                throw sameLowerBound(sorted[i], sorted[i - 1]);
            }
        }
        return new KeyRangeIndex(distributionId, sorted);
    }

    static MetadataException sameLowerBound(KeyRange added, KeyRange existing) {
        return new MetadataException(MetadataException.DUPLICATE_OBJECT,
                "key range " + MetadataException.quote(added.id()) + " has the same lower bound "
                        + added.lowerBound() + " as key range " + MetadataException.quote(existing.id()));
    }

    public static KeyRangeIndex empty(String distributionId) {
        return new KeyRangeIndex(distributionId, new KeyRange[0]);
    }

    public String distributionId() {
        return distributionId;
    }

    /** All ranges, ascending by lower bound. */
    public List<KeyRange> ranges() {
        return rangeList;
    }

    public int size() {
        return ranges.length;
    }

    public boolean isEmpty() {
        return ranges.length == 0;
    }

    /**
     * The range holding {@code key}: the one with the greatest lower bound not above it. Empty when
     * the key is below every lower bound; whether that is an error or goes to the default shard is
     * the caller's decision.
     */
    public Optional<KeyRange> rangeFor(KeyBound key) {
        int at = floor(key);
        return at < 0 ? Optional.empty() : Optional.of(ranges[at]);
    }

    /**
     * The exclusive upper end of {@code range}: the next range's lower bound, or empty for the last
     * range.
     *
     * @throws MetadataException 42704 when the range is not in this index
     */
    public Optional<KeyBound> upperBound(KeyRange range) {
        int at = floor(range.lowerBound());
        if (at < 0 || !ranges[at].id().equals(range.id())) {
            throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                    "key range " + MetadataException.quote(range.id()) + " is not in distribution "
                            + MetadataException.quote(distributionId));
        }
        return at + 1 < ranges.length ? Optional.of(ranges[at + 1].lowerBound()) : Optional.empty();
    }

    /** The position of the greatest lower bound <= key, or -1. */
    private int floor(KeyBound key) {
        int low = 0;
        int high = ranges.length - 1;
        int found = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (ranges[middle].lowerBound().compareTo(key) <= 0) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "KeyRangeIndex[" + distributionId + ", " + rangeList + "]";
    }
}
