package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code CREATE KEY RANGE [id] FROM bound[, bound…] ROUTE TO shard [FOR DISTRIBUTION ds]}.
 *
 * @param id null when the statement names none and the executor generates one
 * @param lowerBound the inclusive lower bound, one value per distribution key column
 * @param distribution null when the statement names none
 */
public record CreateKeyRange(String id, List<BoundLiteral> lowerBound, String shard, String distribution)
        implements ConsoleStatement {
    public CreateKeyRange {
        lowerBound = List.copyOf(lowerBound);
    }
}
