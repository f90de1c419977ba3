package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The greedy plan on made-up ranges whose keys each hold one row (so a split at key k leaves
 * {@code upper - k} rows above it): every shard ends within the threshold of the mean.
 */
class RebalancePlannerTest {
    private static final List<String> SHARDS = List.of("sh1", "sh2", "sh3", "sh4");

    @Test
    void oneBigRangeIsCutIntoFourEvenParts() throws Exception {
        var result = plan(List.of(piece("kr1", 0, 40_000, "sh1")), 10);

        assertThat(result.steps()).extracting(s -> s.kind() + " " + s.keyRangeId() + " " + s.boundText() + " "
                + s.fromShard() + ">" + s.toShard() + " " + s.rows()).containsExactly(
                "SPLIT kr2 from kr1 at 30000 sh1>sh1 10000",
                "MOVE kr2 [30000, 40000) sh1>sh2 10000",
                "SPLIT kr3 from kr1 at 20000 sh1>sh1 10000",
                "MOVE kr3 [20000, 30000) sh1>sh3 10000",
                "SPLIT kr4 from kr1 at 10000 sh1>sh1 10000",
                "MOVE kr4 [10000, 20000) sh1>sh4 10000");
        assertThat(result.after()).containsExactlyInAnyOrderEntriesOf(
                Map.of("sh1", 10_000L, "sh2", 10_000L, "sh3", 10_000L, "sh4", 10_000L));
    }

    @Test
    void wholeRangesMoveWithoutSplitsWhenTheyFit() throws Exception {
        var result = plan(List.of(piece("kr1", 0, 100, "sh1"), piece("kr2", 100, 200, "sh1"),
                piece("kr3", 200, 300, "sh1"), piece("kr4", 300, 400, "sh1")), 10);

        assertThat(result.steps()).extracting(RebalanceStep::kind).containsOnly(RebalanceStep.Kind.MOVE).hasSize(3);
        assertThat(result.after().values()).containsOnly(100L);
    }

    @Test
    void unevenRangesEndWithinTheThreshold() throws Exception {
        List<RebalancePlanner.Piece> pieces = new ArrayList<>();
        int[] sizes = {5_000, 70, 12_000, 333, 9_000, 1, 40_000, 2_500};
        long lower = 0;
        for (int i = 0; i < sizes.length; i++) {
            pieces.add(piece("r" + (i + 1), lower, lower + sizes[i], i % 3 == 0 ? "sh1" : "sh2"));
            lower += sizes[i];
        }
        for (int threshold : new int[] {10, 5, 1}) {
            var result = plan(pieces, threshold);
            double mean = lower / 4.0;
            assertThat(result.after().values()).as("threshold %d%%", threshold)
                    .allSatisfy(weight -> assertThat(Math.abs(weight - mean)).isLessThanOrEqualTo(mean * threshold / 100.0));
            assertThat(result.after().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(lower);
        }
    }

    @Test
    void aBalancedDistributionNeedsNoSteps() throws Exception {
        var result = plan(List.of(piece("kr1", 0, 100, "sh1"), piece("kr2", 100, 195, "sh2"),
                piece("kr3", 195, 300, "sh3"), piece("kr4", 300, 400, "sh4")), 10);
        assertThat(result.steps()).isEmpty();
    }

    @Test
    void aRangeWhoseRowsShareOneKeyIsNotCut() throws Exception {
        RebalancePlanner.Splitter never = (piece, wanted, newId) -> Optional.empty();
        var result = RebalancePlanner.plan(List.of(piece("kr1", 0, 1000, "sh1")), SHARDS, false, 10, never, ids());
        assertThat(result.steps()).isEmpty();
    }

    private static RebalancePlanner.Result plan(List<RebalancePlanner.Piece> pieces, int threshold) throws Exception {
        return RebalancePlanner.plan(pieces, SHARDS, false, threshold, RebalancePlannerTest::split, ids());
    }

    /** The new ids a fresh metadata with kr1 … krN would give. */
    private static Supplier<String> ids() {
        AtomicInteger next = new AtomicInteger(1);
        return () -> "kr" + (next.incrementAndGet());
    }

    /** One row per key: the upper part starts {@code wanted} keys below the piece's end. */
    private static Optional<List<RebalancePlanner.Piece>> split(RebalancePlanner.Piece piece, long wanted, String newId) {
        long lower = value(piece.lower());
        long upper = value(piece.upper().orElseThrow());
        long at = upper - wanted;
        if (at <= lower) {
            return Optional.empty();
        }
        return Optional.of(List.of(piece(piece.id(), lower, at, piece.shard()), piece(newId, at, upper, piece.shard())));
    }

    private static RebalancePlanner.Piece piece(String id, long lower, long upper, String shard) {
        return new RebalancePlanner.Piece(id, bound(lower), Optional.of(bound(upper)), shard, shard, upper - lower,
                (upper - lower) * 100);
    }

    private static KeyBound bound(long value) {
        return KeyBound.of(new KeyValue.IntegerValue(value));
    }

    private static long value(KeyBound bound) {
        return ((KeyValue.IntegerValue) bound.get(0)).value();
    }
}
