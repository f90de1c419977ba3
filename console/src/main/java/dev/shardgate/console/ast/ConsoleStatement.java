package dev.shardgate.console.ast;

/**
 * One statement of the admin console language, as parsed; names are already case-folded the
 * PostgreSQL way (bare names lower-cased, "quoted" names kept as written). Whether the named
 * objects exist is for the executor to decide.
 */
public sealed interface ConsoleStatement
        permits CreateDistribution, DropDistribution, DropAllDistributions, AttachRelations, DetachRelation, DropSequence,
                CreateReferenceTable, DropReferenceTable,
                CreateKeyRange, CreateKeyRanges, DropKeyRange, DropAllKeyRanges, SplitKeyRange, UniteKeyRange,
                LockKeyRange, UnlockKeyRange, MoveKeyRange, RedistributeKeyRange, CheckDistribution,
                RebalanceDistribution,
                CreateShard, DropShard, DrainShard, AddShardHosts, DropShardHosts, FailoverShard, SwitchoverShard, Show,
                RegisterRouter, UnregisterRouter, UnregisterAllRouters,
                StopTaskGroup, RetryTaskGroup, KillClient, PauseTraffic, ResumeTraffic, RecoverTwoPhase,
                Reload, SetParameter {
}
