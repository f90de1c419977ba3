/**
 * The coordinator's FAILOVER SHARD, SWITCHOVER SHARD and SHOW hosts: the console's algorithms over
 * pgjdbc ({@link dev.shardgate.coordinator.replica.JdbcHostQueries}), with each promotion recorded
 * in the QDB while it runs ({@link dev.shardgate.coordinator.replica.PromotionStore}).
 */
package dev.shardgate.coordinator.replica;
