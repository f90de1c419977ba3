package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import java.util.List;
import java.util.Optional;

/**
 * One step of a rebalance plan. A SPLIT cuts {@code sourceRangeId} at {@code lower}, the new range
 * {@code keyRangeId} taking the keys from there on (metadata only, on {@code fromShard}). A MOVE is a
 * task group that moves {@code keyRangeId}, the keys [lower, upper), from one shard to another.
 *
 * @param lower       the split key, or the moved range's lower bound, as texts
 * @param upper       the moved range's upper bound as planned, empty for none or for a split
 * @param taskGroupId the MOVE's task group, once started
 */
record RebalanceStep(int number, Kind kind, String keyRangeId, String sourceRangeId, List<String> lower,
                     Optional<List<String>> upper, String fromShard, String toShard, long rows, long bytes,
                     Optional<String> taskGroupId) {

    enum Kind { SPLIT, MOVE }

    RebalanceStep {
        lower = List.copyOf(lower);
        upper = upper.map(List::copyOf);
    }

    static RebalanceStep split(int number, String newId, String sourceId, KeyBound at, String shard, long rows, long bytes) {
        return new RebalanceStep(number, Kind.SPLIT, newId, sourceId, at.texts(), Optional.empty(), shard, shard, rows, bytes,
                Optional.empty());
    }

    static RebalanceStep move(int number, String id, KeyBound lower, Optional<KeyBound> upper, String from, String to,
                              long rows, long bytes) {
        return new RebalanceStep(number, Kind.MOVE, id, id, lower.texts(), upper.map(KeyBound::texts), from, to, rows, bytes,
                Optional.empty());
    }

    RebalanceStep withTaskGroup(String id) {
        return new RebalanceStep(number, kind, keyRangeId, sourceRangeId, lower, upper, fromShard, toShard, rows, bytes,
                Optional.of(id));
    }

    /** The bound column: where a split cuts, or the keys a move takes. */
    String boundText() {
        String from = key(lower);
        return switch (kind) {
            case SPLIT -> "from " + sourceRangeId + " at " + from;
            case MOVE -> upper.map(u -> "[" + from + ", " + key(u) + ")").orElse(">= " + from);
        };
    }

    /** A key as text; a composite one in parentheses. */
    private static String key(List<String> texts) {
        return texts.size() == 1 ? texts.getFirst() : "(" + String.join(", ", texts) + ")";
    }
}
