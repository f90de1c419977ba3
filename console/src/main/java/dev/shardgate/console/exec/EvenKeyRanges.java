package dev.shardgate.console.exec;

import dev.shardgate.console.ast.BoundLiteral;
import dev.shardgate.console.ast.CreateKeyRanges;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * CREATE KEY RANGES: n ranges of equal width over [lower, upper) of a one-column integer or hashed
 * distribution, range i routed to shard i mod (number of shards). Range i starts at
 * lower + floor(i * (upper - lower) / n), so widths differ by at most one key. The ranges get the
 * next free ids kr1, kr2, … and are one metadata change: all or none.
 */
final class EvenKeyRanges {
    /** More ranges than this are almost certainly a typo, and each is a QDB entry every router holds. */
    static final int MAX_COUNT = 4096;
    private static final BigInteger HASH_SPACE = BigInteger.ONE.shiftLeft(32);

    private EvenKeyRanges() {
    }

    static List<MetadataChange> plan(CreateKeyRanges s, Metadata draft) {
        Distribution distribution = draft.distribution(s.distribution()).orElseThrow(() -> new MetadataException(
                MetadataException.UNDEFINED_OBJECT, "distribution " + quote(s.distribution()) + " does not exist"));
        List<String> shards = s.shards().isEmpty() ? List.copyOf(draft.shards().keySet()) : s.shards();
        if (shards.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "CREATE KEY RANGES needs at least one shard; there is none");
        }
        int count = s.count() == null ? shards.size() : count(s.count());
        if (distribution.columnTypes().size() != 1 || !(distribution.columnTypes().getFirst() == ColumnType.INTEGER
                || distribution.columnTypes().getFirst().isHashed())) {
            throw new MetadataException(MetadataException.DATATYPE_MISMATCH, "CREATE KEY RANGES needs a distribution of one"
                    + " integer or hashed column; distribution " + quote(distribution.id()) + " has "
                    + distribution.columnTypes());
        }
        boolean hashed = distribution.columnTypes().getFirst().isHashed();
        if (!hashed && s.lower().isEmpty() && !s.spqrIds()) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "CREATE KEY RANGES for integer distribution "
                    + quote(distribution.id()) + " needs FROM lower TO upper");
        }
        BigInteger min = hashed ? BigInteger.ZERO : BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = hashed ? HASH_SPACE : BigInteger.valueOf(Long.MAX_VALUE);
        // SPQR's spelling without BETWEEN splits the type's whole key space
        BigInteger lower = s.lower().map(EvenKeyRanges::number).orElse(min);
        BigInteger upper = s.upper().map(EvenKeyRanges::number).orElse(max);
        if (lower.compareTo(min) < 0 || upper.compareTo(max) > 0) {
            throw new MetadataException(MetadataException.NUMERIC_VALUE_OUT_OF_RANGE, "CREATE KEY RANGES bounds must lie in ["
                    + min + ", " + max + "] for distribution " + quote(distribution.id()));
        }
        BigInteger width = upper.subtract(lower);
        if (width.compareTo(BigInteger.valueOf(count)) < 0) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "cannot make " + count
                    + " key ranges of at least one key each from " + lower + " up to " + upper);
        }
        for (String shard : shards) {
            if (draft.shard(shard).isEmpty()) {
                throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                        "shard " + quote(shard) + " does not exist");
            }
        }
        for (KeyRange existing : draft.keyRanges().values()) {
            if (existing.distributionId().equals(distribution.id()) && inside(existing.lowerBound(), lower, upper)) {
                throw new MetadataException(MetadataException.DUPLICATE_OBJECT, "key range "
                        + quote(existing.id()) + " of distribution " + quote(distribution.id())
                        + " already starts inside [" + lower + ", " + upper + "); drop it first");
            }
        }
        List<MetadataChange> changes = new ArrayList<>(count);
        int next = 1;
        for (int i = 0; i < count; i++) {
            long start = lower.add(width.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(count))).longValueExact();
            KeyValue value = hashed ? new KeyValue.HashValue(start) : new KeyValue.IntegerValue(start);
            String id;
            if (s.spqrIds()) {
                id = distribution.id() + "-" + i;
            } else {
                while (draft.keyRanges().containsKey("kr" + next)) {
                    next++;
                }
                id = "kr" + next++;
            }
            changes.add(new MetadataChange.CreateKeyRange(new KeyRange(id, KeyBound.of(value),
                    shards.get(i % shards.size()), distribution.id())));
        }
        return changes;
    }

    private static boolean inside(KeyBound bound, BigInteger lower, BigInteger upper) {
        BigInteger value = switch (bound.get(0)) {
            case KeyValue.IntegerValue v -> BigInteger.valueOf(v.value());
            case KeyValue.HashValue v -> BigInteger.valueOf(v.value());
            case KeyValue.VarcharValue _, KeyValue.UuidValue _ -> null;
        };
        return value != null && value.compareTo(lower) >= 0 && value.compareTo(upper) < 0;
    }

    private static int count(String text) {
        int count;
        try {
            count = Integer.parseInt(text);
        } catch (NumberFormatException tooLarge) {
            count = -1;
        }
        if (count < 1 || count > MAX_COUNT) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "CREATE KEY RANGES makes 1 to " + MAX_COUNT + " key ranges, got " + text);
        }
        return count;
    }

    private static BigInteger number(BoundLiteral literal) {
        try {
            return new BigInteger(literal.text().trim());
        } catch (NumberFormatException e) {
            throw new MetadataException(MetadataException.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for a key range bound: " + quote(literal.text()));
        }
    }

    private static String quote(String name) {
        return '"' + name + '"';
    }
}
