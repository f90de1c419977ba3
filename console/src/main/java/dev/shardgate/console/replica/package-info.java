/**
 * A shard's hosts seen from the console: one check round per host ({@link
 * dev.shardgate.console.replica.HostProbe}), FAILOVER SHARD and SWITCHOVER SHARD ({@link
 * dev.shardgate.console.replica.ShardFailover}, {@link dev.shardgate.console.replica.ShardSwitchover}).
 * They reach the hosts through {@link dev.shardgate.console.replica.HostQueries}, which the router
 * (its own PostgreSQL client) and the coordinator (pgjdbc) implement; the algorithms live here once.
 */
package dev.shardgate.console.replica;
