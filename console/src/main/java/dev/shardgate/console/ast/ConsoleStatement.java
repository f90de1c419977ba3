package dev.shardgate.console.ast;

/**
 * One statement of the admin console language, as parsed; names are already case-folded the
 * PostgreSQL way (bare names lower-cased, "quoted" names kept as written). Whether the named
 * objects exist is for the executor to decide.
 */
public sealed interface ConsoleStatement
        permits CreateDistribution, DropDistribution, DropAllDistributions, SetDefaultShard, AttachRelations, DetachRelation,
                AlterRelationKey, RenameDistributionColumn, AlterRelationSchema, DropSequence,
                CreateReferenceTable, DropReferenceTable, SyncReferenceTables, CreateUniqueIndex, DropUniqueIndex,
                CreateKeyRange, CreateKeyRanges, DropKeyRange, DropAllKeyRanges, SplitKeyRange, UniteKeyRange,
                LockKeyRange, UnlockKeyRange, MoveKeyRange, RenameKeyRange, RedistributeKeyRange, CheckDistribution,
                RebalanceDistribution,
                CreateShard, DropShard, DrainShard, AddShardHosts, DropShardHosts, AlterShardOptions, FailoverShard, SwitchoverShard, Show,
                RegisterRouter, UnregisterRouter, UnregisterAllRouters,
                StopTaskGroup, StopAllTaskGroups, RetryTaskGroup, RetryAllTaskGroups, KillClient, PauseTraffic, ResumeTraffic, RecoverTwoPhase,
                Reload, SetParameter, Help {
}
