package dev.shardgate.console.exec;

/**
 * One backend rule, a row of {@code SHOW users}: who the router connects to shards as, with SPQR's
 * columns. Durations are written as SPQR prints them ({@code 0s}, {@code 5s}, {@code 1m30s}).
 *
 * @param user              the rule's user; empty for the pool_default rule, as SPQR shows it
 * @param dbname            the rule's database; empty for the pool_default rule
 * @param connectionRetries connection attempts after a failed one (Shardgate: none, 0)
 * @param connectionTimeout how long a connection to a shard may take (server_connect_timeout)
 * @param keepAlive         idle time before TCP keepalive probes; {@code 0s} when keepalive is off
 * @param tcpUserTimeout    TCP_USER_TIMEOUT on shard connections (Shardgate sets none: {@code 0s})
 * @param pulseCheckInterval how often hosts are checked (health_check_interval)
 */
public record UserInfo(String user, String dbname, int connectionLimit, int connectionRetries,
                       String connectionTimeout, String keepAlive, String tcpUserTimeout, String pulseCheckInterval) {
}
