package dev.shardgate.console.exec;

/**
 * One host of a shard, a row of {@code SHOW hosts}.
 *
 * @param role       {@code primary}, {@code standby} or {@code unknown}, as the server last said
 * @param state      {@code up}, {@code down} or {@code unchecked}
 * @param lagBytes   a standby's replay distance behind the primary's WAL; null when unknown
 * @param lagSeconds 0 when caught up, else seconds since its last replayed transaction; null when unknown
 * @param connections open backend connections to the host, idle or lent out
 * @param lastCheck  when the last check finished (ISO-8601), or null
 * @param lastError  why the last check failed, or why the shard takes no writes; null when fine
 */
public record HostInfo(String shardId, String host, String role, String state, String lagBytes, String lagSeconds,
                       int connections, String lastCheck, String lastError) {
}
