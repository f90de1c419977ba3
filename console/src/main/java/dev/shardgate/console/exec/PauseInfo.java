package dev.shardgate.console.exec;

/**
 * One pause in effect, a row of {@code SHOW pauses}.
 *
 * @param shard   the paused shard, {@code *} for every shard
 * @param reason  who paused it: PAUSE, or a switchover
 * @param expires when it ends by itself (a coordinator's lease), null for at RESUME only
 */
public record PauseInfo(String shard, String reason, String since, String expires) {
}
