package dev.shardgate.console.ast;

/**
 * {@code REBALANCE DISTRIBUTION id [BY ROWS | BYTES] [THRESHOLD pct] [DRY RUN]}: measures every key
 * range of the distribution on its shard, then splits and moves ranges until every shard holds
 * within {@code thresholdPercent} of the mean.
 *
 * @param byBytes          weigh ranges by their estimated bytes instead of their rows
 * @param thresholdPercent how far from the mean a shard may end, in percent of the mean
 * @param dryRun           return the plan and change nothing
 */
public record RebalanceDistribution(String id, boolean byBytes, int thresholdPercent, boolean dryRun)
        implements ConsoleStatement {
    /** THRESHOLD when the statement names none. */
    public static final int DEFAULT_THRESHOLD_PERCENT = 10;
}
