package dev.shardgate.console.exec;

/**
 * One row of {@code SHOW move_stats}: the mean time a part of a key range move took, over the moves
 * that finished since the coordinator started.
 *
 * @param statistic {@code total} for a whole move, else the part, e.g. {@code shard.copy}
 * @param time      the mean, written as SPQR writes durations ({@code 1.5s}, {@code 250ms})
 */
public record MoveStatInfo(String statistic, String time) {
}
