package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.sql.KeyFilter;
import dev.shardgate.sql.KeyInterval;
import dev.shardgate.sql.LiteralKind;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.TableRef;
import dev.shardgate.sql.Value;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The shards whose key ranges intersect the ranges of keys a statement names for a relation with a
 * one-column key ({@code id BETWEEN 10 AND 20}, {@code id < 5 OR id > 900}, AND-ed conditions
 * intersected). Only where the router's order of keys is the column's order on the shards:
 * integers and uuids. Text is compared by the router in code point order (the C collation); a
 * text column may sort by another collation, so a range of text keys is not used. A range of
 * hashed keys intersects every hash range. Either way the statement is left without key.
 */
final class IntersectingRanges {
    /** More intervals than this after intersecting unions are not worth following. */
    private static final int MAX_INTERVALS = 1_000;
    private static final Set<String> INTEGER_TYPES = Set.of("int2", "int4", "int8", "integer", "bigint", "smallint");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private IntersectingRanges() {
    }

    sealed interface Outcome {
        /** The shards (one or more) whose ranges the keys intersect, and why in EXPLAIN ROUTE's words. */
        record Shards(SortedSet<String> shards, String reason) implements Outcome {}

        /** No key the statement names can be in any range: no shard holds such a row. */
        record NoRow(String reason) implements Outcome {}

        /** The ranges say nothing usable; {@code reason} says why when there is more to say than "no key". */
        record Unknown(String reason) implements Outcome {}
    }

    /** One interval of keys; a null end is open. */
    private record Interval(KeyBound lower, boolean lowerInclusive, KeyBound upper, boolean upperInclusive) {
        boolean isEmpty() {
            if (lower == null || upper == null) {
                return false;
            }
            int order = lower.compareTo(upper);
            return order > 0 || (order == 0 && !(lowerInclusive && upperInclusive));
        }

        Interval intersect(Interval other) {
            KeyBound low = lower;
            boolean lowIn = lowerInclusive;
            if (other.lower != null && (low == null || other.lower.compareTo(low) > 0
                    || (other.lower.compareTo(low) == 0 && !other.lowerInclusive))) {
                low = other.lower;
                lowIn = other.lowerInclusive;
            }
            KeyBound high = upper;
            boolean highIn = upperInclusive;
            if (other.upper != null && (high == null || other.upper.compareTo(high) < 0
                    || (other.upper.compareTo(high) == 0 && !other.upperInclusive))) {
                high = other.upper;
                highIn = other.upperInclusive;
            }
            return new Interval(low, lowIn, high, highIn);
        }

        String describe() {
            if (lower != null && upper != null && lower.equals(upper)) {
                return "= " + lower;
            }
            return (lower == null ? "(-∞" : (lowerInclusive ? "[" : "(") + lower) + ", "
                    + (upper == null ? "+∞)" : upper + (upperInclusive ? "]" : ")"));
        }
    }

    private static final Outcome UNKNOWN = new Outcome.Unknown(null);

    static Outcome of(Metadata metadata, Statement statement, TableRef table, DistributedRelation relation,
                      BoundValues bound) {
        if (relation.keyColumns().size() != 1 || !(relation.keyColumns().getFirst() instanceof DistributionKeyColumn key)) {
            return UNKNOWN;
        }
        String column = key.column();
        KeyFilter filter = null;
        for (KeyFilter candidate : statement.filters()) {
            if (candidate.table().equals(table) && candidate.column().equals(column) && !candidate.ranges().isEmpty()) {
                filter = candidate;
            }
        }
        if (filter == null) {
            return UNKNOWN;
        }
        ColumnType type = StatementRouter.typeAt(StatementRouter.columnTypes(metadata, relation), 0);
        if (type == null) {
            return UNKNOWN;
        }
        if (type.isHashed() || type == ColumnType.VARCHAR) {
            return new Outcome.Unknown(type.isHashed()
                    ? "a range of keys of hashed distribution \"" + relation.distributionId() + "\" intersects every hash range"
                    : "a range of text keys is not routed: the column's collation may order text otherwise than the key ranges (code point order)");
        }
        List<Interval> keys = null;
        for (List<KeyInterval> union : filter.ranges()) {
            List<Interval> intervals = intervals(metadata, relation, type, union, bound);
            if (intervals == null) {
                continue; // this condition says nothing the router can use; the others still hold
            }
            keys = keys == null ? intervals : intersect(keys, intervals);
            if (keys == null) {
                return UNKNOWN;
            }
        }
        if (keys == null) {
            return UNKNOWN;
        }
        String described = relation.name().name() + "." + column + " in "
                + String.join(" ∪ ", keys.stream().map(Interval::describe).toList());
        SortedSet<String> shards = new TreeSet<>();
        List<String> ranges = new ArrayList<>();
        for (Interval interval : keys) {
            shardsOf(metadata, relation.distributionId(), interval, shards, ranges);
        }
        if (shards.isEmpty()) {
            return new Outcome.NoRow(described + ": no key range holds such a key");
        }
        return new Outcome.Shards(shards, described + " → " + String.join(", ", ranges));
    }

    /** Adds the shards of the ranges (and of the default shard, below the first range) the interval meets. */
    private static void shardsOf(Metadata metadata, String distributionId, Interval interval, SortedSet<String> shards,
                                 List<String> names) {
        if (interval.isEmpty()) {
            return;
        }
        List<KeyRange> ranges = KeyErrors.call(() -> metadata.index(distributionId).ranges());
        if (ranges.isEmpty() || interval.lower() == null || interval.lower().compareTo(ranges.getFirst().lowerBound()) < 0) {
            Optional<String> fallback = KeyErrors.call(() -> metadata.distribution(distributionId).flatMap(d -> d.defaultShard()));
            if (fallback.isPresent()) {
                shards.add(fallback.get());
                if (!names.contains("default shard " + fallback.get())) {
                    names.add("default shard " + fallback.get());
                }
            }
        }
        for (int i = 0; i < ranges.size(); i++) {
            KeyRange range = ranges.get(i);
            KeyBound start = range.lowerBound();
            boolean startsInside = interval.upper() == null || start.compareTo(interval.upper()) < 0
                    || (start.compareTo(interval.upper()) == 0 && interval.upperInclusive());
            boolean endsAfterLower = i + 1 == ranges.size() || interval.lower() == null
                    || interval.lower().compareTo(ranges.get(i + 1).lowerBound()) < 0;
            if (startsInside && endsAfterLower) {
                if (range.locked()) {
                    throw new KeyRangeLocked(range.id());
                }
                shards.add(range.shardId());
                String name = range.id() + " (" + range.shardId() + ")";
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
        }
    }

    /** Every pair's intersection, the empty ones left out; null when there would be too many. */
    private static List<Interval> intersect(List<Interval> a, List<Interval> b) {
        if ((long) a.size() * b.size() > MAX_INTERVALS) {
            return null;
        }
        List<Interval> both = new ArrayList<>();
        for (Interval x : a) {
            for (Interval y : b) {
                Interval z = x.intersect(y);
                if (!z.isEmpty()) {
                    both.add(z);
                }
            }
        }
        return both;
    }

    /** The union as intervals of keys; null when some end is not known (an unbound or unreadable parameter). */
    private static List<Interval> intervals(Metadata metadata, DistributedRelation relation, ColumnType type,
                                            List<KeyInterval> union, BoundValues bound) {
        List<Interval> intervals = new ArrayList<>(union.size());
        for (KeyInterval interval : union) {
            End lower = end(metadata, relation, type, interval.lower(), interval.lowerInclusive(), true, bound);
            End upper = end(metadata, relation, type, interval.upper(), interval.upperInclusive(), false, bound);
            if (lower == null || upper == null) {
                return null;
            }
            if (lower.none() || upper.none()) {
                continue; // compared with NULL, or beyond every integer: no row
            }
            Interval keys = new Interval(lower.key(), lower.inclusive(), upper.key(), upper.inclusive());
            if (!keys.isEmpty()) {
                intervals.add(keys);
            }
        }
        return intervals;
    }

    /** One end of an interval: a key (null: open), or {@code none} when no row can lie beyond it. */
    private record End(KeyBound key, boolean inclusive, boolean none) {
        static final End OPEN = new End(null, false, false);
        static final End NONE = new End(null, false, true);
    }

    /**
     * An end as the column compares it. For an integer column a fraction moves the end inward to the
     * next integer ({@code id < 10.5} is {@code id <= 10}) and an exclusive end becomes inclusive of
     * the next integer, so that ranges starting right there are not touched; null when unknown.
     */
    private static End end(Metadata metadata, DistributedRelation relation, ColumnType type, Value value,
                           boolean inclusive, boolean isLower, BoundValues bound) {
        if (value == null) {
            return End.OPEN;
        }
        String text;
        String cast = null;
        LiteralKind kind = null;
        switch (value) {
            case Value.Param param -> {
                text = bound == null ? null : bound.text(param.number());
                if (text == null) {
                    return null;
                }
            }
            case Value.Literal literal -> {
                if (literal.kind() == LiteralKind.NULL || literal.text() == null) {
                    return End.NONE;
                }
                text = literal.text();
                cast = literal.castType();
                kind = literal.kind();
            }
        }
        if (type != ColumnType.INTEGER) {
            KeyBound key = keyOrNull(metadata, relation, text);
            return key == null ? null : new End(key, inclusive, false);
        }
        BigDecimal number;
        try {
            number = new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return null; // 'abc', 'Infinity': the shards answer or refuse it as PostgreSQL does
        }
        if (cast != null && INTEGER_TYPES.contains(cast)) {
            if (kind != LiteralKind.FLOAT && number.stripTrailingZeros().scale() > 0) {
                return null; // '5.5'::int: PostgreSQL's error, from the shards
            }
            number = number.setScale(0, RoundingMode.HALF_UP);
        } else if (kind == LiteralKind.STRING || value instanceof Value.Param) {
            if (number.stripTrailingZeros().scale() > 0) {
                return null; // an integer's input refuses a fraction: PostgreSQL's error, from the shards
            }
        }
        BigInteger whole;
        if (isLower) {
            whole = number.setScale(0, RoundingMode.CEILING).toBigIntegerExact();
            if (!inclusive && new BigDecimal(whole).compareTo(number) == 0) {
                whole = whole.add(BigInteger.ONE);
            }
            if (whole.compareTo(LONG_MAX) > 0) {
                return End.NONE;
            }
            if (whole.compareTo(LONG_MIN) < 0) {
                return End.OPEN;
            }
        } else {
            whole = number.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
            if (!inclusive && new BigDecimal(whole).compareTo(number) == 0) {
                whole = whole.subtract(BigInteger.ONE);
            }
            if (whole.compareTo(LONG_MIN) < 0) {
                return End.NONE;
            }
            if (whole.compareTo(LONG_MAX) > 0) {
                return End.OPEN;
            }
        }
        KeyBound key = keyOrNull(metadata, relation, whole.toString());
        return key == null ? null : new End(key, true, false);
    }

    /** The key of this text; null when it is not one (the shards then give PostgreSQL's error or answer). */
    private static KeyBound keyOrNull(Metadata metadata, DistributedRelation relation, String text) {
        try {
            return metadata.routingKeyFromText(relation, List.of(text));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
