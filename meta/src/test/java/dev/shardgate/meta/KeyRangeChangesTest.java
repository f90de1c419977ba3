package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataAssertions.assertRefused;
import static dev.shardgate.meta.MetadataAssertions.bound;
import static dev.shardgate.meta.MetadataAssertions.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.MetadataChange.CreateDistribution;
import dev.shardgate.meta.MetadataChange.CreateKeyRange;
import dev.shardgate.meta.MetadataChange.DropAllKeyRanges;
import dev.shardgate.meta.MetadataChange.DropKeyRange;
import dev.shardgate.meta.MetadataChange.LockKeyRange;
import dev.shardgate.meta.MetadataChange.MoveKeyRange;
import dev.shardgate.meta.MetadataChange.SplitKeyRange;
import dev.shardgate.meta.MetadataChange.UniteKeyRanges;
import dev.shardgate.meta.MetadataChange.UnlockKeyRange;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRangeChangesTest {
    private final Metadata metadata = sample();

    private static List<String> idsInOrder(Metadata metadata) {
        return metadata.index("ds1").ranges().stream().map(KeyRange::id).toList();
    }

    private static String shardOf(Metadata metadata, long key) {
        return metadata.shardFor("ds1", bound(key)).orElse(null);
    }

    @Test
    void createsKeyRange() {
        Metadata after = metadata.apply(new CreateKeyRange(new KeyRange("kr0", bound(-50), "sh3", "ds1")));
        assertThat(idsInOrder(after)).containsExactly("kr0", "kr1", "kr2", "kr3");
        assertThat(shardOf(after, -50)).isEqualTo("sh3");
        assertThat(shardOf(after, -51)).isNull();
        assertThat(shardOf(after, -1)).isEqualTo("sh3");
        assertThat(shardOf(after, 0)).isEqualTo("sh1");
    }

    @Test
    void refusesDuplicateKeyRangeId() {
        assertRefused(() -> metadata.apply(new CreateKeyRange(new KeyRange("kr1", bound(500), "sh1", "ds1"))),
                "42710", "key range \"kr1\" already exists");
    }

    @Test
    void refusesUnknownDistributionOrShard() {
        assertRefused(() -> metadata.apply(new CreateKeyRange(new KeyRange("kr9", bound(500), "sh1", "ds9"))),
                "42704", "distribution \"ds9\" does not exist");
        assertRefused(() -> metadata.apply(new CreateKeyRange(new KeyRange("kr9", bound(500), "sh9", "ds1"))),
                "42704", "shard \"sh9\" does not exist");
    }

    @Test
    void refusesBoundThatDoesNotFitTheDistribution() {
        assertRefused(() -> metadata.apply(new CreateKeyRange(new KeyRange("kr9", bound(500, 1), "sh1", "ds1"))),
                "42804", "bound has 2 values but distribution \"ds1\" has 1 column");
        assertRefused(() -> metadata.apply(new CreateKeyRange(
                        new KeyRange("kr9", KeyBound.of(KeyValue.varchar("abc")), "sh1", "ds1"))),
                "42804", "bound value 'abc' (varchar) does not fit column 1 (integer) of distribution \"ds1\"");
        assertRefused(() -> metadata.apply(new CreateKeyRange(new KeyRange("kr9", bound(5), "sh1", "ds2"))),
                "42804", "bound value 5 (integer) does not fit column 1 (varchar hash) of distribution \"ds2\"");
    }

    @Test
    void refusesVarcharBoundThatIsNotUnicode() {
        Metadata withVarchar = metadata.apply(new CreateDistribution(new Distribution("ds3", List.of(ColumnType.VARCHAR))));
        assertRefused(() -> withVarchar.apply(new CreateKeyRange(
                        new KeyRange("kr9", KeyBound.of(KeyValue.varchar("a\uD800b")), "sh1", "ds3"))),
                "22021", "bound value in column 1 of distribution \"ds3\" is not valid Unicode (it holds an unpaired surrogate)");
        assertThat(withVarchar.apply(new CreateKeyRange(new KeyRange("kr9", KeyBound.of(KeyValue.varchar("a\uD83D\uDE00")), "sh1", "ds3")))
                .keyRange("kr9")).isPresent();
    }

    @Test
    void refusesDuplicateLowerBound() {
        assertRefused(() -> metadata.apply(new CreateKeyRange(new KeyRange("kr9", bound(100), "sh2", "ds1"))),
                "42710", "key range \"kr9\" has the same lower bound 100 as key range \"kr2\"");
    }

    @Test
    void sameBoundInAnotherDistributionIsFine() {
        Metadata after = metadata.apply(List.of(
                new CreateDistribution(new Distribution("ds3", List.of(ColumnType.INTEGER))),
                new CreateKeyRange(new KeyRange("kr9", bound(100), "sh2", "ds3"))));
        assertThat(after.shardFor("ds3", bound(150))).contains("sh2");
        assertThat(after.shardFor("ds1", bound(150))).contains("sh1");
    }

    @Test
    void dropsKeyRange() {
        Metadata after = metadata.apply(new DropKeyRange("kr2"));
        assertThat(idsInOrder(after)).containsExactly("kr1", "kr3");
        assertThat(shardOf(after, 150)).isEqualTo("sh1");
        assertThat(after.keyRange("kr2")).isEmpty();
    }

    @Test
    void refusesDropOfUnknownOrLockedRange() {
        assertRefused(() -> metadata.apply(new DropKeyRange("kr9")), "42704", "key range \"kr9\" does not exist");
        Metadata locked = metadata.apply(new LockKeyRange("kr2"));
        assertRefused(() -> locked.apply(new DropKeyRange("kr2")), "55006",
                "cannot drop key range \"kr2\" because it is locked");
    }

    @Test
    void dropsAllKeyRanges() {
        Metadata after = metadata.apply(new DropAllKeyRanges());
        assertThat(after.keyRanges()).isEmpty();
        assertThat(after.index("ds1").isEmpty()).isTrue();
        assertThat(after.relations()).hasSize(1);
    }

    @Test
    void refusesDropAllWhileARangeIsLocked() {
        Metadata locked = metadata.apply(List.of(new LockKeyRange("kr3"), new LockKeyRange("kr1")));
        assertRefused(() -> locked.apply(new DropAllKeyRanges()), "55006",
                "cannot drop all key ranges because key ranges are locked: \"kr1\", \"kr3\"");
    }

    @Test
    void splitsKeyRange() {
        Metadata after = metadata.apply(new SplitKeyRange("kr1b", "kr1", bound(50)));
        assertThat(idsInOrder(after)).containsExactly("kr1", "kr1b", "kr2", "kr3");
        assertThat(after.keyRange("kr1b")).contains(new KeyRange("kr1b", bound(50), "sh1", "ds1", false));
        assertThat(after.keyRange("kr1")).contains(new KeyRange("kr1", bound(0), "sh1", "ds1", false));
        assertThat(after.index("ds1").rangeFor(bound(49)).map(KeyRange::id)).contains("kr1");
        assertThat(after.index("ds1").rangeFor(bound(50)).map(KeyRange::id)).contains("kr1b");
        assertThat(after.index("ds1").rangeFor(bound(99)).map(KeyRange::id)).contains("kr1b");
    }

    @Test
    void splitsTheLastRangeAnywhereAboveItsBound() {
        Metadata after = metadata.apply(new SplitKeyRange("kr4", "kr3", bound(Long.MAX_VALUE)));
        assertThat(after.index("ds1").rangeFor(bound(Long.MAX_VALUE)).map(KeyRange::id)).contains("kr4");
        assertThat(after.index("ds1").upperBound(after.keyRange("kr3").orElseThrow())).contains(bound(Long.MAX_VALUE));
    }

    @Test
    void refusesSplitOutsideTheRange() {
        assertRefused(() -> metadata.apply(new SplitKeyRange("kr9", "kr1", bound(0))), "22023",
                "split bound 0 is not inside key range \"kr1\", which covers from 0 (inclusive) to 100 (exclusive);"
                        + " the bound must be above the lower bound and below the upper bound");
        assertRefused(() -> metadata.apply(new SplitKeyRange("kr9", "kr1", bound(100))), "22023",
                "split bound 100 is not inside key range \"kr1\", which covers from 0 (inclusive) to 100 (exclusive);"
                        + " the bound must be above the lower bound and below the upper bound");
        assertRefused(() -> metadata.apply(new SplitKeyRange("kr9", "kr3", bound(-5))), "22023",
                "split bound -5 is not inside key range \"kr3\", which covers from 200 up;"
                        + " the bound must be above the lower bound");
    }

    @Test
    void refusesOtherBadSplits() {
        assertRefused(() -> metadata.apply(new SplitKeyRange("kr2", "kr1", bound(50))), "42710",
                "key range \"kr2\" already exists");
        assertRefused(() -> metadata.apply(new SplitKeyRange("kr9", "kr8", bound(50))), "42704",
                "key range \"kr8\" does not exist");
        assertRefused(() -> metadata.apply(new SplitKeyRange("kr9", "kr1", KeyBound.of(KeyValue.hash(50)))), "42804",
                "bound value 50 (hash) does not fit column 1 (integer) of distribution \"ds1\"");
        Metadata locked = metadata.apply(new LockKeyRange("kr1"));
        assertRefused(() -> locked.apply(new SplitKeyRange("kr9", "kr1", bound(50))), "55006",
                "cannot split key range \"kr1\" because it is locked");
    }

    @Test
    void unitesAdjacentRangesInEitherOrder() {
        Metadata forward = metadata.apply(new UniteKeyRanges("kr1", "kr2"));
        assertThat(idsInOrder(forward)).containsExactly("kr1", "kr3");
        assertThat(forward.index("ds1").rangeFor(bound(150)).map(KeyRange::id)).contains("kr1");

        Metadata backward = metadata.apply(new UniteKeyRanges("kr2", "kr1"));
        assertThat(idsInOrder(backward)).containsExactly("kr2", "kr3");
        assertThat(backward.keyRange("kr2").map(KeyRange::lowerBound)).contains(bound(0));
        assertThat(backward.index("ds1").rangeFor(bound(5)).map(KeyRange::id)).contains("kr2");
    }

    @Test
    void splitThenUniteRestoresTheSnapshot() {
        Metadata after = metadata.apply(List.of(new SplitKeyRange("kr1b", "kr1", bound(42)), new UniteKeyRanges("kr1", "kr1b")));
        assertThat(after).isEqualTo(metadata);
    }

    @Test
    void refusesUniteOfRangesOnDifferentShards() {
        assertRefused(() -> metadata.apply(new UniteKeyRanges("kr2", "kr3")), "55000",
                "cannot unite key ranges \"kr2\" and \"kr3\": they route to shards \"sh1\" and \"sh2\"");
    }

    @Test
    void refusesUniteOfNonAdjacentRanges() {
        Metadata kr3OnSh1 = metadata.apply(new MoveKeyRange("kr3", "sh1"));
        assertRefused(() -> kr3OnSh1.apply(new UniteKeyRanges("kr3", "kr1")), "55000",
                "cannot unite key ranges \"kr3\" and \"kr1\": they are not adjacent (key range \"kr2\" lies between them)");
    }

    @Test
    void refusesUniteAcrossDistributions() {
        Metadata twoDistributions = metadata.apply(List.of(
                new CreateDistribution(new Distribution("ds3", List.of(ColumnType.INTEGER))),
                new CreateKeyRange(new KeyRange("kr9", bound(1000), "sh1", "ds3"))));
        assertRefused(() -> twoDistributions.apply(new UniteKeyRanges("kr3", "kr9")), "55000",
                "cannot unite key ranges \"kr3\" and \"kr9\": they belong to distributions \"ds1\" and \"ds3\"");
    }

    @Test
    void refusesOtherBadUnites() {
        assertRefused(() -> metadata.apply(new UniteKeyRanges("kr1", "kr1")), "22023",
                "cannot unite key range \"kr1\" with itself");
        assertRefused(() -> metadata.apply(new UniteKeyRanges("kr1", "kr9")), "42704", "key range \"kr9\" does not exist");
        Metadata locked = metadata.apply(new LockKeyRange("kr2"));
        assertRefused(() -> locked.apply(new UniteKeyRanges("kr1", "kr2")), "55006",
                "cannot unite key range \"kr2\" because it is locked");
    }

    @Test
    void locksAndUnlocks() {
        Metadata locked = metadata.apply(new LockKeyRange("kr2"));
        assertThat(locked.keyRange("kr2").orElseThrow().locked()).isTrue();
        assertThat(locked.index("ds1").rangeFor(bound(150)).orElseThrow().locked()).isTrue();
        Metadata unlocked = locked.apply(new UnlockKeyRange("kr2"));
        assertThat(unlocked).isEqualTo(metadata);
        assertThat(unlocked.apply(new UnlockKeyRange("kr2"))).isEqualTo(metadata);
    }

    @Test
    void refusesLockOfLockedOrUnknownRange() {
        Metadata locked = metadata.apply(new LockKeyRange("kr2"));
        assertRefused(() -> locked.apply(new LockKeyRange("kr2")), "55006", "key range \"kr2\" is already locked");
        assertRefused(() -> metadata.apply(new LockKeyRange("kr9")), "42704", "key range \"kr9\" does not exist");
        assertRefused(() -> metadata.apply(new UnlockKeyRange("kr9")), "42704", "key range \"kr9\" does not exist");
    }

    @Test
    void movesKeyRangeEvenWhileLocked() {
        Metadata moved = metadata.apply(List.of(new LockKeyRange("kr2"), new MoveKeyRange("kr2", "sh3")));
        assertThat(shardOf(moved, 150)).isEqualTo("sh3");
        assertThat(moved.keyRange("kr2").orElseThrow().locked()).isTrue();
    }

    @Test
    void refusesMoveToUnknownShardOrOfUnknownRange() {
        assertRefused(() -> metadata.apply(new MoveKeyRange("kr2", "sh9")), "42704", "shard \"sh9\" does not exist");
        assertRefused(() -> metadata.apply(new MoveKeyRange("kr9", "sh1")), "42704", "key range \"kr9\" does not exist");
    }
}
