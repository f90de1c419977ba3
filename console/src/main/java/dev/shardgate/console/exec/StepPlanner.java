package dev.shardgate.console.exec;

import dev.shardgate.console.ast.AddShardHosts;
import dev.shardgate.console.ast.AlterRelationKey;
import dev.shardgate.console.ast.AlterShardOptions;
import dev.shardgate.console.ast.AttachRelations;
import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.CreateDistribution;
import dev.shardgate.console.ast.CheckDistribution;
import dev.shardgate.console.ast.DrainShard;
import dev.shardgate.console.ast.CreateKeyRange;
import dev.shardgate.console.ast.CreateKeyRanges;
import dev.shardgate.console.ast.CreateReferenceTable;
import dev.shardgate.console.ast.CreateShard;
import dev.shardgate.console.ast.CreateUniqueIndex;
import dev.shardgate.console.ast.DropUniqueIndex;
import dev.shardgate.console.ast.DetachRelation;
import dev.shardgate.console.ast.DropAllDistributions;
import dev.shardgate.console.ast.DropAllKeyRanges;
import dev.shardgate.console.ast.DropDistribution;
import dev.shardgate.console.ast.DropKeyRange;
import dev.shardgate.console.ast.DropReferenceTable;
import dev.shardgate.console.ast.DropSequence;
import dev.shardgate.console.ast.DropShard;
import dev.shardgate.console.ast.DropShardHosts;
import dev.shardgate.console.ast.KeyEntry;
import dev.shardgate.console.ast.FailoverShard;
import dev.shardgate.console.ast.SwitchoverShard;
import dev.shardgate.console.ast.SyncReferenceTables;
import dev.shardgate.console.ast.Help;
import dev.shardgate.console.ast.KillClient;
import dev.shardgate.console.ast.PauseTraffic;
import dev.shardgate.console.ast.ResumeTraffic;
import dev.shardgate.console.ast.RebalanceDistribution;
import dev.shardgate.console.ast.RecoverTwoPhase;
import dev.shardgate.console.ast.Reload;
import dev.shardgate.console.ast.LockKeyRange;
import dev.shardgate.console.ast.MoveKeyRange;
import dev.shardgate.console.ast.RedistributeKeyRange;
import dev.shardgate.console.ast.RegisterRouter;
import dev.shardgate.console.ast.RelationName;
import dev.shardgate.console.ast.RenameDistributionColumn;
import dev.shardgate.console.ast.RenameKeyRange;
import dev.shardgate.console.ast.AlterRelationSchema;
import dev.shardgate.console.ast.RetryAllTaskGroups;
import dev.shardgate.console.ast.RetryTaskGroup;
import dev.shardgate.console.ast.SetDefaultShard;
import dev.shardgate.console.ast.StopAllTaskGroups;
import dev.shardgate.console.ast.SetParameter;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.ast.SplitKeyRange;
import dev.shardgate.console.ast.StopTaskGroup;
import dev.shardgate.console.ast.UniteKeyRange;
import dev.shardgate.console.ast.UnlockKeyRange;
import dev.shardgate.console.ast.UnregisterAllRouters;
import dev.shardgate.console.ast.UnregisterRouter;
import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.DistributionKeyEntry;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Optional;

/**
 * Decides what each statement does, against the metadata as the statements before it in the same
 * query left it (the draft): that is where generated ids must be unique, where a distribution
 * created earlier in the query is found, and whose column types parse a bound. CREATE KEY RANGE
 * also looks at the metadata the query began with ({@link KeyRangeOverlap}).
 */
final class StepPlanner {
    private StepPlanner() {
    }

    static Step plan(ConsoleStatement statement, Metadata queryStart, Metadata draft) {
        return switch (statement) {
            case CreateShard s -> {
                Shard shard = new Shard(s.id(), s.hosts());
                yield change(new MetadataChange.CreateShard(shard), SpqrAnswers.createShard(shard));
            }
            case DropShard s -> change(new MetadataChange.DropShard(s.id()), SpqrAnswers.dropShard(s.id()));
            case AddShardHosts s -> change("ALTER SHARD", new MetadataChange.AddShardHosts(s.id(), s.hosts()));
            case DropShardHosts s -> change("ALTER SHARD", new MetadataChange.DropShardHosts(s.id(), s.hosts()));
            case AlterShardOptions s -> new Step.Change(AlterStatements.alterShardOptions(s, draft), "ALTER SHARD");
            case FailoverShard _ -> throw cannotReachHosts("FAILOVER SHARD");
            case SwitchoverShard _ -> throw cannotReachHosts("SWITCHOVER SHARD");
            case CreateDistribution s -> change(createDistribution(s), SpqrAnswers.createDistribution(s.id()));
            case DropDistribution s -> change(new MetadataChange.DropDistribution(s.id(), s.cascade()),
                    SpqrAnswers.dropDistributions(List.of(s.id())));
            case DropAllDistributions s -> new Step.Change(draft.distributions().keySet().stream()
                    .map(id -> (MetadataChange) new MetadataChange.DropDistribution(id, s.cascade()))
                    .toList(), SpqrAnswers.dropDistributions(List.copyOf(draft.distributions().keySet())));
            case AttachRelations s -> {
                List<MetadataChange> changes = attachRelations(s, draft);
                yield new Step.Change(changes, SpqrAnswers.attachRelations(changes));
            }
            case DetachRelation s -> change(detachRelation(s, draft),
                    SpqrAnswers.detachRelation(qualified(s.relation()), s.distribution()));
            case DropSequence s -> new Step.SequenceDrop(s.name());
            case CreateReferenceTable s -> change(new MetadataChange.CreateReferenceRelation(
                            new ReferenceRelation(qualified(s.relation()), s.shards(), autoIncrementColumns(s.autoIncrement()))),
                    SpqrAnswers.createReferenceTable(qualified(s.relation()),
                            s.shards().isEmpty() ? List.copyOf(draft.shards().keySet()) : s.shards()));
            case DropReferenceTable s -> change(new MetadataChange.DropReferenceRelation(qualified(s.relation())),
                    SpqrAnswers.dropReferenceTable(qualified(s.relation())));
            case CreateKeyRange s -> {
                MetadataChange.CreateKeyRange create = createKeyRange(s, draft);
                KeyRangeOverlap.check(create.keyRange(), queryStart, draft);
                yield change(create, SpqrAnswers.createKeyRange(create.keyRange()));
            }
            case CreateKeyRanges s -> {
                List<MetadataChange> changes = EvenKeyRanges.plan(s, draft);
                yield new Step.Change(changes, SpqrAnswers.createKeyRanges(changes));
            }
            case DropKeyRange s -> change(new MetadataChange.DropKeyRange(s.id()), SpqrAnswers.dropKeyRanges(List.of(s.id())));
            // SPQR lists no ids for DROP KEY RANGE ALL.
            case DropAllKeyRanges _ -> change(new MetadataChange.DropAllKeyRanges(), SpqrAnswers.dropKeyRanges(List.of()));
            case SplitKeyRange s -> {
                MetadataChange split = splitKeyRange(s, draft);
                yield change(split, SpqrAnswers.splitKeyRange(s.newId(), draft.apply(List.of(split))));
            }
            case UniteKeyRange s -> change(new MetadataChange.UniteKeyRanges(s.keyRange(), s.absorbed()),
                    SpqrAnswers.uniteKeyRanges(s.keyRange(), s.absorbed()));
            case LockKeyRange s -> change(new MetadataChange.LockKeyRange(s.id()), SpqrAnswers.lockKeyRange(s.id()));
            case UnlockKeyRange s -> change(new MetadataChange.UnlockKeyRange(s.id()), SpqrAnswers.unlockKeyRange(s.id()));
            case MoveKeyRange s -> change(new MetadataChange.MoveKeyRange(s.id(), s.shard()),
                    SpqrAnswers.moveKeyRange(s.id(), s.shard()));
            case SetDefaultShard s -> change("ALTER DISTRIBUTION", new MetadataChange.SetDefaultShard(s.distribution(), s.shard()));
            case AlterRelationKey s ->
                    new Step.Change(AlterStatements.alterRelationKey(s, draft), "ALTER DISTRIBUTION");
            case RenameDistributionColumn s ->
                    new Step.Change(AlterStatements.renameDistributionColumn(s, draft), "ALTER DISTRIBUTION");
            case CreateUniqueIndex s -> change("CREATE UNIQUE INDEX", new MetadataChange.CreateUniqueIndex(new dev.shardgate.meta.UniqueIndex(
                    s.id(), qualified(s.relation()), s.columns().stream()
                    .map(c -> new dev.shardgate.meta.UniqueIndex.Column(c.column(), ColumnType.parse(c.type()))).toList())));
            case DropUniqueIndex s -> change("DROP UNIQUE INDEX", new MetadataChange.DropUniqueIndex(s.id()));
            case RenameKeyRange s -> new Step.Change(AlterStatements.renameKeyRange(s, draft),
                    SpqrAnswers.renameKeyRange(s.id(), s.newId()));
            case AlterRelationSchema s ->
                    new Step.Change(AlterStatements.alterRelationSchema(s, draft), "ALTER DISTRIBUTION");
            case Show s -> new Step.Query(ShowQuery.of(s));
            case SetParameter _ -> new Step.Reply(new ConsoleResult.Done("SET"));
            case Help s -> new Step.Reply(HelpText.answer(s.words()));
            case RedistributeKeyRange _ -> throw coordinatorOnly("REDISTRIBUTE KEY RANGE");
            case CheckDistribution _ -> throw coordinatorOnly("CHECK DISTRIBUTION");
            case SyncReferenceTables _ -> throw coordinatorOnly("SYNC REFERENCE TABLES");
            case DrainShard _ -> throw coordinatorOnly("DRAIN SHARD");
            case RebalanceDistribution _ -> throw coordinatorOnly("REBALANCE DISTRIBUTION");
            case RegisterRouter _ -> throw coordinatorOnly("REGISTER ROUTER");
            case UnregisterRouter _, UnregisterAllRouters _ -> throw coordinatorOnly("UNREGISTER ROUTER");
            case StopTaskGroup _, StopAllTaskGroups _ -> throw coordinatorOnly("STOP TASK GROUP");
            case RetryTaskGroup _, RetryAllTaskGroups _ -> throw coordinatorOnly("RETRY TASK GROUP");
            case KillClient _ -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "KILL CLIENT is only supported on a router's console")
                    .withHint("SHOW clients on the router's console lists them with their ids.");
            case PauseTraffic _ -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "PAUSE is only supported on a router's or a coordinator's console");
            case ResumeTraffic _ -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "RESUME is only supported on a router's or a coordinator's console");
            case RecoverTwoPhase _ -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "RECOVER TWO PHASE is only supported on a router");
            case Reload _ -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "RELOAD is only supported on a router or a coordinator started with a configuration file");
        };
    }

    private static Step change(MetadataChange change, ConsoleResult answer) {
        return new Step.Change(List.of(change), answer);
    }

    private static Step change(String tag, MetadataChange change) {
        return new Step.Change(List.of(change), tag);
    }


    /** Only a console that can reach a shard's hosts (router, coordinator) promotes standbys. */
    private static PgException cannotReachHosts(String statement) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, statement + " is only supported on a router or the coordinator");
    }

    private static PgException coordinatorOnly(String statement) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, statement + " is only supported on the coordinator");
    }

    private static MetadataChange createDistribution(CreateDistribution s) {
        List<ColumnType> types = s.columnTypes().stream().map(ColumnType::parse).toList();
        return new MetadataChange.CreateDistribution(new Distribution(s.id(), types, Optional.ofNullable(s.defaultShard())));
    }

    private static List<MetadataChange> attachRelations(AttachRelations s, Metadata draft) {
        String distributionId = s.distribution() != null ? s.distribution() : onlyDistribution(draft);
        return s.relations().stream()
                .map(relation -> (MetadataChange) new MetadataChange.AttachRelation(new DistributedRelation(
                        qualified(relation.name()), distributionId,
                        keyEntries(relation.distributionKey()),
                        autoIncrementColumns(relation))))
                .toList();
    }

    /** START applies to every column of the clause; without it sequences start at 1, as PostgreSQL's do. */
    private static List<AutoIncrementColumn> autoIncrementColumns(dev.shardgate.console.ast.DistributedRelation relation) {
        return autoIncrementColumns(relation.autoIncrement());
    }

    private static List<AutoIncrementColumn> autoIncrementColumns(java.util.Optional<dev.shardgate.console.ast.AutoIncrement> given) {
        return given
                .map(clause -> clause.columns().stream()
                        .map(column -> new AutoIncrementColumn(column, clause.start().orElse(AutoIncrementColumn.DEFAULT_START)))
                        .toList())
                .orElse(List.of());
    }

    /** Meta detaches by name alone; the statement also names the distribution, which must hold the relation. */
    private static MetadataChange detachRelation(DetachRelation s, Metadata draft) {
        requireDistribution(draft, s.distribution());
        QualifiedName name = qualified(s.relation());
        draft.relation(name).ifPresent(attached -> {
            if (!attached.distributionId().equals(s.distribution())) {
                throw new MetadataException(MetadataException.UNDEFINED_TABLE,
                        "relation " + quote(name.toString()) + " is attached to distribution "
                                + quote(attached.distributionId()) + ", not " + quote(s.distribution()));
            }
        });
        return new MetadataChange.DetachRelation(name);
    }

    private static MetadataChange.CreateKeyRange createKeyRange(CreateKeyRange s, Metadata draft) {
        String distributionId = s.distribution() != null ? s.distribution() : onlyDistribution(draft);
        Distribution distribution = requireDistribution(draft, distributionId);
        String id = s.id() != null ? s.id() : newKeyRangeId(draft);
        return new MetadataChange.CreateKeyRange(
                new KeyRange(id, BoundLiterals.parse(s.lowerBound(), distribution), s.shard(), distributionId));
    }

    private static MetadataChange splitKeyRange(SplitKeyRange s, Metadata draft) {
        KeyRange source = draft.keyRange(s.sourceId()).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_OBJECT, "key range " + quote(s.sourceId()) + " does not exist"));
        Distribution distribution = requireDistribution(draft, source.distributionId());
        return new MetadataChange.SplitKeyRange(s.newId(), s.sourceId(), BoundLiterals.parse(s.splitBound(), distribution));
    }

    /** SPQR's habit: a statement without a distribution means the only one there is. */
    private static String onlyDistribution(Metadata draft) {
        var ids = draft.distributions().keySet();
        if (ids.size() == 1) {
            return draft.distributions().firstKey();
        }
        String why = ids.isEmpty() ? "no distribution exists" : "there are " + ids.size() + " distributions";
        throw new PgException(SqlState.INVALID_OBJECT_DEFINITION, "distribution must be specified: " + why);
    }

    /** The lowest free {@code krN}: predictable for people and tests, unique within the draft. */
    private static String newKeyRangeId(Metadata draft) {
        for (int n = 1; ; n++) {
            String id = "kr" + n;
            if (!draft.keyRanges().containsKey(id)) {
                return id;
            }
        }
    }

    /** The metadata's key entries for the statement's; the metadata checks them against the distribution. */
    static List<DistributionKeyEntry> keyEntries(List<KeyEntry> key) {
        return key.stream().map(entry -> switch (entry) {
            case dev.shardgate.console.ast.DistributionKeyColumn column ->
                    (DistributionKeyEntry) new DistributionKeyColumn(column.column(), hashFunction(column.hashFunction()));
            case dev.shardgate.console.ast.RoutingExpression expression -> new RoutingExpression(
                    expression.hashFunction() == null ? null : hashFunction(expression.hashFunction()),
                    expression.columns().stream()
                            .map(column -> new RoutingExpression.TypedColumn(column.column(), ColumnType.parse(column.type())))
                            .toList());
        }).toList();
    }

    private static HashFunction hashFunction(String name) {
        if (name == null) {
            return HashFunction.IDENT;
        }
        try {
            return HashFunction.parse(name);
        } catch (MetadataException e) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, e.getMessage());
        }
    }

    private static Distribution requireDistribution(Metadata draft, String id) {
        return draft.distribution(id).orElseThrow(() ->
                new MetadataException(MetadataException.UNDEFINED_OBJECT, "distribution " + quote(id) + " does not exist"));
    }

    static QualifiedName qualified(RelationName name) {
        return new QualifiedName(name.schema(), name.name());
    }

    private static String quote(String name) {
        return '"' + name + '"';
    }
}
