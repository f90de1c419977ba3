package dev.shardgate.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link KeyRangeIndex#rangeFor} against a brute-force oracle whose order is computed
 * independently: varchars as UTF-8 bytes, uuids as 16 big-endian bytes, both compared unsigned.
 */
class KeyRangeIndexPropertyTest {

    /** Ranges and the keys to look up, over one list of column types. */
    record Case(List<ColumnType> types, List<KeyBound> bounds, List<KeyBound> keys) {
    }

    @Property(tries = 300)
    void integerKeys(@ForAll("integerCases") Case c) {
        checkAgainstOracle(c);
    }

    @Property(tries = 300)
    void varcharKeys(@ForAll("varcharCases") Case c) {
        checkAgainstOracle(c);
    }

    @Property(tries = 300)
    void uuidKeys(@ForAll("uuidCases") Case c) {
        checkAgainstOracle(c);
    }

    @Property(tries = 300)
    void hashedKeys(@ForAll("hashCases") Case c) {
        checkAgainstOracle(c);
    }

    @Property(tries = 300)
    void compositeIntegerVarcharKeys(@ForAll("integerVarcharCases") Case c) {
        checkAgainstOracle(c);
    }

    @Property(tries = 300)
    void compositeHashUuidKeys(@ForAll("hashUuidCases") Case c) {
        checkAgainstOracle(c);
    }

    /** The same lookups through a snapshot built by CreateKeyRange changes in random order. */
    @Property(tries = 200)
    void snapshotRoutesLikeTheOracle(@ForAll("integerVarcharCases") Case c) {
        Metadata metadata = Metadata.empty().apply(List.of(
                new MetadataChange.CreateShard(new Shard("sh0", List.of())),
                new MetadataChange.CreateShard(new Shard("sh1", List.of())),
                new MetadataChange.CreateDistribution(new Distribution("ds", c.types()))));
        List<KeyRange> ranges = ranges(c.bounds());
        List<MetadataChange> creates = new ArrayList<>();
        ranges.forEach(r -> creates.add(new MetadataChange.CreateKeyRange(r)));
        Collections.shuffle(creates, new java.util.Random(c.bounds().size()));
        metadata = metadata.apply(creates);
        for (KeyBound key : c.keys()) {
            Optional<String> expected = oracle(ranges, key).map(KeyRange::shardId);
            assertThat(metadata.shardFor("ds", key)).as("key %s", key).isEqualTo(expected);
        }
    }

    private static void checkAgainstOracle(Case c) {
        List<KeyRange> ranges = ranges(c.bounds());
        List<KeyRange> shuffled = new ArrayList<>(ranges);
        Collections.shuffle(shuffled, new java.util.Random(ranges.size()));
        KeyRangeIndex index = KeyRangeIndex.of("ds", shuffled);
        assertThat(index.ranges()).isSortedAccordingTo((a, b) -> referenceOrder(a.lowerBound(), b.lowerBound()));
        for (KeyBound key : c.keys()) {
            assertThat(index.rangeFor(key)).as("key %s", key).isEqualTo(oracle(ranges, key));
        }
    }

    private static List<KeyRange> ranges(List<KeyBound> bounds) {
        List<KeyRange> ranges = new ArrayList<>();
        for (int i = 0; i < bounds.size(); i++) {
            ranges.add(new KeyRange("kr" + i, bounds.get(i), "sh" + (i % 2), "ds"));
        }
        return ranges;
    }

    /** The range whose [lower bound, next lower bound) holds the key, found by trying every range. */
    private static Optional<KeyRange> oracle(List<KeyRange> ranges, KeyBound key) {
        for (KeyRange candidate : ranges) {
            boolean atOrAboveLower = referenceOrder(candidate.lowerBound(), key) <= 0;
            boolean belowNext = ranges.stream()
                    .map(KeyRange::lowerBound)
                    .filter(bound -> referenceOrder(bound, candidate.lowerBound()) > 0)
                    .allMatch(next -> referenceOrder(key, next) < 0);
            if (atOrAboveLower && belowNext) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static int referenceOrder(KeyBound a, KeyBound b) {
        for (int i = 0; i < a.size(); i++) {
            int order = referenceOrder(a.get(i), b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    static int referenceOrder(KeyValue a, KeyValue b) {
        return switch (a) {
            case KeyValue.IntegerValue x -> Long.compare(x.value(), ((KeyValue.IntegerValue) b).value());
            case KeyValue.HashValue x -> Long.compare(x.value(), ((KeyValue.HashValue) b).value());
            case KeyValue.VarcharValue x -> Arrays.compareUnsigned(x.value().getBytes(StandardCharsets.UTF_8),
                    ((KeyValue.VarcharValue) b).value().getBytes(StandardCharsets.UTF_8));
            case KeyValue.UuidValue x -> Arrays.compareUnsigned(bytes(x.value()), bytes(((KeyValue.UuidValue) b).value()));
        };
    }

    static byte[] bytes(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
    }

    // ---- generators ----

    static Arbitrary<KeyValue> integers() {
        return Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(-20, 20),
                Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE))
                .map(KeyValue::integer);
    }

    /** Valid Unicode only (lone surrogates have no UTF-8 form), with short shared prefixes common. */
    static Arbitrary<KeyValue> varchars() {
        Arbitrary<Integer> anyCodePoint = Arbitraries.integers().between(0, 0x10FFFF)
                .filter(cp -> cp < 0xD800 || cp > 0xDFFF);
        Arbitrary<Integer> tricky = Arbitraries.of(0, (int) 'a', (int) 'b', (int) 'z', 0x7F, 0x80, 0xE9, 0x416,
                0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF);
        return Arbitraries.oneOf(anyCodePoint, tricky, tricky).list().ofMaxSize(5)
                .map(codePoints -> {
                    StringBuilder text = new StringBuilder();
                    codePoints.forEach(text::appendCodePoint);
                    return KeyValue.varchar(text.toString());
                });
    }

    static Arbitrary<KeyValue> uuids() {
        Arbitrary<Long> halves = Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
        return Combinators.combine(halves, halves).as((high, low) -> KeyValue.uuid(new UUID(high, low)));
    }

    static Arbitrary<KeyValue> hashes() {
        return Arbitraries.oneOf(Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                Arbitraries.of(0L, 1L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL)).map(KeyValue::hash);
    }

    private static Arbitrary<Case> cases(List<ColumnType> types, List<Arbitrary<KeyValue>> columns) {
        Arbitrary<KeyBound> bounds = columns.size() == 1
                ? columns.get(0).map(KeyBound::of)
                : Combinators.combine(columns.get(0), columns.get(1)).as(KeyBound::of);
        return Combinators.combine(bounds.list().ofMaxSize(25), bounds.list().ofMaxSize(40))
                .as((boundList, randomKeys) -> {
                    TreeSet<KeyBound> distinct = new TreeSet<>(Comparator.comparing(b -> b, KeyRangeIndexPropertyTest::referenceOrder));
                    distinct.addAll(boundList);
                    List<KeyBound> keys = new ArrayList<>(randomKeys);
                    keys.addAll(distinct);
                    return new Case(types, new ArrayList<>(distinct), keys);
                });
    }

    @Provide
    Arbitrary<Case> integerCases() {
        return cases(List.of(ColumnType.INTEGER), List.of(integers()));
    }

    @Provide
    Arbitrary<Case> varcharCases() {
        return cases(List.of(ColumnType.VARCHAR), List.of(varchars()));
    }

    @Provide
    Arbitrary<Case> uuidCases() {
        return cases(List.of(ColumnType.UUID), List.of(uuids()));
    }

    @Provide
    Arbitrary<Case> hashCases() {
        return cases(List.of(ColumnType.VARCHAR_HASH), List.of(hashes()));
    }

    @Provide
    Arbitrary<Case> integerVarcharCases() {
        Arbitrary<KeyValue> fewIntegers = Arbitraries.longs().between(-3, 3).map(KeyValue::integer);
        return cases(List.of(ColumnType.INTEGER, ColumnType.VARCHAR), List.of(Arbitraries.oneOf(fewIntegers, integers()), varchars()));
    }

    @Provide
    Arbitrary<Case> hashUuidCases() {
        Arbitrary<KeyValue> fewHashes = Arbitraries.longs().between(0, 3).map(KeyValue::hash);
        return cases(List.of(ColumnType.UUID_HASH, ColumnType.UUID), List.of(Arbitraries.oneOf(fewHashes, hashes()), uuids()));
    }
}
