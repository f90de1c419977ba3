/**
 * Committing a transaction that wrote on several shards: two-phase commit with the decision recorded
 * in the QDB ({@link dev.shardgate.router.twophase.TwoPhaseCommit}), shard-by-shard commit without it
 * ({@link dev.shardgate.router.twophase.BestEffortCommit}), and the recovery of prepared transactions
 * a crashed router left behind ({@link dev.shardgate.router.twophase.TwoPhaseRecovery}).
 */
package dev.shardgate.router.twophase;
