package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The splits and moves of REBALANCE DISTRIBUTION, planned greedily on measured key ranges.
 *
 * <p>The weight of a shard is the sum of its ranges' weights (rows or bytes); the target is the
 * mean over all shards, and a shard is balanced when its weight lies within {@code threshold}
 * percent of the mean. Each round takes the heaviest shard H and the lightest L and moves
 * {@code want = min(H - mean, mean - L)}: as much as brings one of them to the mean without pushing
 * the other past it. What moves is one of H's ranges that has not moved yet in this plan:
 * <ol>
 *   <li>a whole range of weight in [want - tolerance, want], the largest such, where the
 *       tolerance is the threshold's share of the mean — no split needed;</li>
 *   <li>otherwise the top of the smallest range heavier than {@code want}: it is split at the key
 *       above which {@code want} lies (a percentile query on the shard), and the new upper range
 *       moves;</li>
 *   <li>otherwise (all of H's ranges are lighter than {@code want}) its largest range, whole.</li>
 * </ol>
 * Rounds end when every shard is balanced, when H has nothing left to move, or after a bound on
 * rounds (so a plan always ends even if splits land far from where they aimed, e.g. on a key that
 * holds many rows). Every round lowers the spread between H and L, and since the weights deviate
 * from the mean by zero in sum, the lightest shard is short by at least the heaviest's excess
 * divided by the number of other shards, so a round moves no less than that.
 *
 * <p>Ranges move at most once per plan, from the shard that holds their rows when planning, so
 * every step of the plan reads rows where they are before it runs.
 */
final class RebalancePlanner {
    private RebalancePlanner() {
    }

    /** A key range as the planner sees it: where its rows are, where the plan puts it, how heavy it is. */
    record Piece(String id, KeyBound lower, Optional<KeyBound> upper, String origin, String shard, long rows,
                 long bytes) {
        long weight(boolean byBytes) {
            return byBytes ? bytes : rows;
        }

        Piece on(String newShard) {
            return new Piece(id, lower, upper, origin, newShard, rows, bytes);
        }

        boolean hasMoved() {
            return !shard.equals(origin);
        }
    }

    /** Cuts a piece so that its upper part weighs about {@code wanted}; empty when it cannot be cut. */
    interface Splitter {
        /** @return the lower part (the piece's id) and the upper part (as {@code newId}) */
        Optional<List<Piece>> split(Piece piece, long wanted, String newId) throws SQLException;
    }

    /** The planned steps and the shards' weights before and after them. */
    record Result(List<RebalanceStep> steps, Map<String, Long> before, Map<String, Long> after) {
    }

    static Result plan(List<Piece> pieces, List<String> shards, boolean byBytes, int thresholdPercent,
                       Splitter splitter, Supplier<String> newIds) throws SQLException {
        List<Piece> current = new ArrayList<>(pieces);
        Map<String, Long> before = weights(current, shards, byBytes);
        long total = before.values().stream().mapToLong(Long::longValue).sum();
        List<RebalanceStep> steps = new ArrayList<>();
        if (shards.isEmpty() || total == 0) {
            return new Result(steps, before, before);
        }
        double mean = (double) total / shards.size();
        double tolerance = mean * thresholdPercent / 100.0;
        int rounds = 4 * shards.size() + pieces.size();
        for (int round = 0; round < rounds; round++) {
            Map<String, Long> weights = weights(current, shards, byBytes);
            String heaviest = shards.stream().max(Comparator.comparing(weights::get)).orElseThrow();
            String lightest = shards.stream().min(Comparator.comparing(weights::get)).orElseThrow();
            double over = weights.get(heaviest) - mean;
            double under = mean - weights.get(lightest);
            if (over <= tolerance && under <= tolerance) {
                break;
            }
            long want = Math.round(Math.min(over, under));
            Optional<Piece> chosen = choose(current, heaviest, want, tolerance, byBytes);
            if (chosen.isEmpty() || want <= 0) {
                break;
            }
            Piece piece = chosen.get();
            if (piece.weight(byBytes) > want) {
                Optional<List<Piece>> parts = splitter.split(piece, want, newIds.get());
                if (parts.isPresent()) {
                    Piece lower = parts.get().get(0);
                    Piece upper = parts.get().get(1);
                    current.set(current.indexOf(piece), lower);
                    current.add(upper);
                    steps.add(RebalanceStep.split(steps.size() + 1, upper.id(), piece.id(), upper.lower(),
                            piece.shard(), upper.rows(), upper.bytes()));
                    piece = upper;
                } else if (piece.weight(byBytes) > 2 * want) {
                    break; // cannot be cut (one key holds its rows) and moving it whole would unbalance more
                }
            }
            current.set(current.indexOf(piece), piece.on(lightest));
            steps.add(RebalanceStep.move(steps.size() + 1, piece.id(), piece.lower(), piece.upper(), piece.origin(),
                    lightest, piece.rows(), piece.bytes()));
        }
        return new Result(steps, before, weights(current, shards, byBytes));
    }

    private static Optional<Piece> choose(List<Piece> pieces, String shard, long want, double tolerance, boolean byBytes) {
        List<Piece> movable = pieces.stream()
                .filter(p -> p.shard().equals(shard) && !p.hasMoved() && p.weight(byBytes) > 0).toList();
        Optional<Piece> wholeFits = movable.stream()
                .filter(p -> p.weight(byBytes) <= want && p.weight(byBytes) >= want - tolerance)
                .max(Comparator.comparingLong(p -> p.weight(byBytes)));
        if (wholeFits.isPresent()) {
            return wholeFits;
        }
        Optional<Piece> toCut = movable.stream().filter(p -> p.weight(byBytes) > want)
                .min(Comparator.comparingLong(p -> p.weight(byBytes)));
        if (toCut.isPresent()) {
            return toCut;
        }
        return movable.stream().max(Comparator.comparingLong(p -> p.weight(byBytes)));
    }

    private static Map<String, Long> weights(List<Piece> pieces, List<String> shards, boolean byBytes) {
        Map<String, Long> weights = new LinkedHashMap<>();
        for (String shard : shards) {
            weights.put(shard, 0L);
        }
        for (Piece piece : pieces) {
            weights.merge(piece.shard(), piece.weight(byBytes), Long::sum);
        }
        return weights;
    }
}
