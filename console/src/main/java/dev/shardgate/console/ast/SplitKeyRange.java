package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code SPLIT KEY RANGE newId FROM sourceId BY bound}: the new key range takes the part of the
 * source from {@code splitBound} upwards, on the same shard.
 */
public record SplitKeyRange(String newId, String sourceId, List<BoundLiteral> splitBound)
        implements ConsoleStatement {
    public SplitKeyRange {
        splitBound = List.copyOf(splitBound);
    }
}
