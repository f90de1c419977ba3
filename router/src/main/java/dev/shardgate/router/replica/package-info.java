/**
 * The router's side of FAILOVER SHARD and SWITCHOVER SHARD: {@link
 * dev.shardgate.router.replica.DirectHostQueries} runs the console's statements on one host
 * directly, outside the pools, with the credentials of the backend rules.
 */
package dev.shardgate.router.replica;
