package dev.shardgate.console.parse;

import dev.shardgate.console.ast.AddShardHosts;
import dev.shardgate.console.ast.AlterRelationKey;
import dev.shardgate.console.ast.AlterShardOptions;
import dev.shardgate.console.ast.AttachRelations;
import dev.shardgate.console.ast.AutoIncrement;
import dev.shardgate.console.ast.BoundLiteral;
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
import dev.shardgate.console.ast.DistributedRelation;
import dev.shardgate.console.ast.DistributionKeyColumn;
import dev.shardgate.console.ast.DropAllDistributions;
import dev.shardgate.console.ast.DropAllKeyRanges;
import dev.shardgate.console.ast.DropDistribution;
import dev.shardgate.console.ast.DropKeyRange;
import dev.shardgate.console.ast.DropReferenceTable;
import dev.shardgate.console.ast.DropSequence;
import dev.shardgate.console.ast.DropShard;
import dev.shardgate.console.ast.DropShardHosts;
import dev.shardgate.console.ast.FailoverShard;
import dev.shardgate.console.ast.Help;
import dev.shardgate.console.ast.KeyEntry;
import dev.shardgate.console.ast.KillClient;
import dev.shardgate.console.ast.PauseTraffic;
import dev.shardgate.console.ast.ResumeTraffic;
import dev.shardgate.console.ast.RoutingExpression;
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
import dev.shardgate.console.ast.SwitchoverShard;
import dev.shardgate.console.ast.SyncReferenceTables;
import dev.shardgate.console.ast.UniteKeyRange;
import dev.shardgate.console.ast.UnlockKeyRange;
import dev.shardgate.console.ast.UnregisterAllRouters;
import dev.shardgate.console.ast.UnregisterRouter;
import dev.shardgate.console.ast.WhereClause;
import dev.shardgate.console.parse.ConsoleSyntaxParser.*;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.antlr.v4.runtime.Token;

/** Turns a syntactically valid parse tree into the console's statement records. */
final class StatementBuilder extends ConsoleSyntaxBaseVisitor<ConsoleStatement> {

    @Override
    public ConsoleStatement visitStatement(StatementContext ctx) {
        return visit(ctx.getChild(0));
    }

    @Override
    public ConsoleStatement visitCreateDistribution(CreateDistributionContext ctx) {
        List<String> types = ctx.columnTypes().columnType().stream().map(StatementBuilder::columnType).toList();
        return new CreateDistribution(identifier(ctx.identifier(0)), types, optionalIdentifier(ctx.defaultShard));
    }

    @Override
    public ConsoleStatement visitDropDistribution(DropDistributionContext ctx) {
        boolean cascade = ctx.CASCADE() != null;
        return ctx.ALL() != null
                ? new DropAllDistributions(cascade)
                : new DropDistribution(identifier(ctx.identifier()), cascade);
    }

    @Override
    public ConsoleStatement visitAttachRelations(AttachRelationsContext ctx) {
        List<DistributedRelation> relations = ctx.relationKeyClause().stream()
                .map(clause -> new DistributedRelation(relationName(clause.relationName()), key(clause.keyColumn()),
                        autoIncrement(clause.autoIncrement())))
                .toList();
        return new AttachRelations(identifier(ctx.identifier()), relations);
    }

    @Override
    public ConsoleStatement visitCreateDistributedRelation(CreateDistributedRelationContext ctx) {
        var relation = new DistributedRelation(relationName(ctx.relationName()), key(ctx.keyColumn()),
                autoIncrement(ctx.autoIncrement()));
        return new AttachRelations(optionalIdentifier(ctx.distribution), List.of(relation));
    }

    @Override
    public ConsoleStatement visitDetachRelation(DetachRelationContext ctx) {
        return new DetachRelation(identifier(ctx.identifier()), relationName(ctx.relationName()));
    }

    @Override
    public ConsoleStatement visitSetDefaultShard(SetDefaultShardContext ctx) {
        return new SetDefaultShard(identifier(ctx.distribution), Optional.ofNullable(ctx.shard).map(StatementBuilder::identifier));
    }

    @Override
    public ConsoleStatement visitAlterRelationKey(AlterRelationKeyContext ctx) {
        return new AlterRelationKey(identifier(ctx.identifier()), relationName(ctx.relationName()), key(ctx.keyColumn()));
    }

    @Override
    public ConsoleStatement visitRenameDistributionColumn(RenameDistributionColumnContext ctx) {
        return new RenameDistributionColumn(identifier(ctx.distribution), relationName(ctx.relationName()),
                identifier(ctx.column), identifier(ctx.newName));
    }

    @Override
    public ConsoleStatement visitAlterRelationSchema(AlterRelationSchemaContext ctx) {
        return new AlterRelationSchema(identifier(ctx.distribution), relationName(ctx.relationName()), identifier(ctx.schema));
    }

    @Override
    public ConsoleStatement visitRenameKeyRange(RenameKeyRangeContext ctx) {
        return new RenameKeyRange(identifier(ctx.keyRange), identifier(ctx.newId));
    }

    @Override
    public ConsoleStatement visitAlterShardOptions(AlterShardOptionsContext ctx) {
        List<AlterShardOptions.HostOption> options = ctx.hostOption().stream()
                .map(option -> new AlterShardOptions.HostOption(
                        option.ADD() != null ? AlterShardOptions.Action.ADD
                                : option.DROP() != null ? AlterShardOptions.Action.DROP : AlterShardOptions.Action.SET,
                        text(option.text())))
                .toList();
        return new AlterShardOptions(identifier(ctx.identifier()), options);
    }

    @Override
    public ConsoleStatement visitHelp(HelpContext ctx) {
        List<String> words = ctx.children.stream().skip(1).map(word -> word.getText().toLowerCase(Locale.ROOT)).toList();
        return new Help(words);
    }

    @Override
    public ConsoleStatement visitDropSequence(DropSequenceContext ctx) {
        String schema = optionalIdentifier(ctx.schema);
        String name = identifier(ctx.name);
        // public is the schema a name without one means, as with relations
        return new DropSequence(schema == null || schema.equals("public") ? name : schema + "." + name);
    }

    @Override
    public ConsoleStatement visitCreateReferenceTable(CreateReferenceTableContext ctx) {
        List<String> shards = ctx.identifierList() == null
                ? List.of()
                : ctx.identifierList().identifier().stream().map(StatementBuilder::identifier).toList();
        return new CreateReferenceTable(relationName(ctx.relationName()), shards, autoIncrement(ctx.autoIncrement()));
    }

    @Override
    public ConsoleStatement visitDropReferenceTable(DropReferenceTableContext ctx) {
        return new DropReferenceTable(relationName(ctx.relationName()));
    }

    @Override
    public ConsoleStatement visitSyncReferenceTables(SyncReferenceTablesContext ctx) {
        return new SyncReferenceTables(Optional.ofNullable(ctx.relationName()).map(StatementBuilder::relationName),
                identifier(ctx.shard));
    }

    @Override
    public ConsoleStatement visitCreateUniqueIndex(CreateUniqueIndexContext ctx) {
        List<CreateUniqueIndex.TypedColumn> columns = ctx.typedColumn().stream()
                .map(column -> new CreateUniqueIndex.TypedColumn(identifier(column.identifier()), columnType(column.columnType())))
                .toList();
        return new CreateUniqueIndex(identifier(ctx.id), relationName(ctx.relationName()), columns);
    }

    @Override
    public ConsoleStatement visitDropUniqueIndex(DropUniqueIndexContext ctx) {
        return new DropUniqueIndex(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitCreateKeyRange(CreateKeyRangeContext ctx) {
        return new CreateKeyRange(optionalIdentifier(ctx.id), bound(ctx.bound()), identifier(ctx.shard),
                optionalIdentifier(ctx.distribution));
    }

    @Override
    public ConsoleStatement visitCreateKeyRanges(CreateKeyRangesContext ctx) {
        List<String> shards = ctx.identifierList() == null ? List.of()
                : ctx.identifierList().identifier().stream().map(StatementBuilder::identifier).toList();
        return new CreateKeyRanges(ctx.count == null ? null : ctx.count.getText(), identifier(ctx.distribution),
                Optional.ofNullable(ctx.lower).map(StatementBuilder::literal), Optional.ofNullable(ctx.upper).map(StatementBuilder::literal),
                shards, ctx.count == null);
    }

    @Override
    public ConsoleStatement visitCheckDistribution(CheckDistributionContext ctx) {
        return new CheckDistribution(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitDropKeyRange(DropKeyRangeContext ctx) {
        return ctx.ALL() != null ? new DropAllKeyRanges() : new DropKeyRange(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitSplitKeyRange(SplitKeyRangeContext ctx) {
        return new SplitKeyRange(identifier(ctx.newId), identifier(ctx.sourceId), bound(ctx.bound()));
    }

    @Override
    public ConsoleStatement visitUniteKeyRange(UniteKeyRangeContext ctx) {
        return new UniteKeyRange(identifier(ctx.keyRange), identifier(ctx.withKeyRange));
    }

    @Override
    public ConsoleStatement visitLockKeyRange(LockKeyRangeContext ctx) {
        return new LockKeyRange(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitUnlockKeyRange(UnlockKeyRangeContext ctx) {
        return new UnlockKeyRange(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitMoveKeyRange(MoveKeyRangeContext ctx) {
        return new MoveKeyRange(identifier(ctx.keyRange), identifier(ctx.shard), ctx.META() != null);
    }

    @Override
    public ConsoleStatement visitRedistributeKeyRange(RedistributeKeyRangeContext ctx) {
        OptionalInt batchSize = ctx.batchSize == null ? OptionalInt.empty() : OptionalInt.of(batchSize(ctx.batchSize));
        return new RedistributeKeyRange(identifier(ctx.keyRange), identifier(ctx.shard), batchSize,
                ctx.CHECK() != null, ctx.NOWAIT() != null, Optional.ofNullable(ctx.taskGroup).map(StatementBuilder::opaqueId));
    }

    @Override
    public ConsoleStatement visitRebalanceDistribution(RebalanceDistributionContext ctx) {
        int threshold = ctx.threshold == null ? RebalanceDistribution.DEFAULT_THRESHOLD_PERCENT : threshold(ctx.threshold);
        return new RebalanceDistribution(identifier(ctx.identifier()), ctx.BYTES() != null, threshold, ctx.DRY() != null);
    }

    /** A percentage of the mean: 0 asks for shards as even as whole rows allow. */
    private static int threshold(Token number) {
        int percent;
        try {
            percent = Integer.parseInt(number.getText());
        } catch (NumberFormatException tooLarge) {
            percent = -1;
        }
        if (percent < 0 || percent > 100) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "THRESHOLD must be a percentage between 0 and 100, got " + number.getText())
                    .withPosition(number.getStartIndex() + 1);
        }
        return percent;
    }

    @Override
    public ConsoleStatement visitCreateShard(CreateShardContext ctx) {
        List<String> hosts = ctx.text().stream().map(StatementBuilder::text).toList();
        return new CreateShard(identifier(ctx.identifier()), hosts);
    }

    @Override
    public ConsoleStatement visitDropShard(DropShardContext ctx) {
        return new DropShard(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitDrainShard(DrainShardContext ctx) {
        List<String> targets = ctx.identifierList() == null ? List.of()
                : ctx.identifierList().identifier().stream().map(StatementBuilder::identifier).toList();
        OptionalInt batchSize = ctx.batchSize == null ? OptionalInt.empty() : OptionalInt.of(batchSize(ctx.batchSize));
        return new DrainShard(identifier(ctx.shard), targets, batchSize);
    }

    @Override
    public ConsoleStatement visitAlterShardHosts(AlterShardHostsContext ctx) {
        List<String> hosts = ctx.text().stream().map(StatementBuilder::text).toList();
        String id = identifier(ctx.identifier());
        return ctx.ADD() != null ? new AddShardHosts(id, hosts) : new DropShardHosts(id, hosts);
    }

    @Override
    public ConsoleStatement visitFailoverShard(FailoverShardContext ctx) {
        return new FailoverShard(identifier(ctx.identifier()), optionalText(ctx.text()), ctx.FORCE() != null);
    }

    @Override
    public ConsoleStatement visitSwitchoverShard(SwitchoverShardContext ctx) {
        return new SwitchoverShard(identifier(ctx.identifier()), optionalText(ctx.text()));
    }

    private static Optional<String> optionalText(TextContext text) {
        return text == null ? Optional.empty() : Optional.of(text(text));
    }

    /** A 'string', or a "quoted identifier" read as one where SPQR reads it so. */
    private static String text(TextContext ctx) {
        if (ctx.STRING() != null) {
            return stringContent(ctx.STRING().getSymbol());
        }
        String quoted = ctx.QUOTED_IDENTIFIER().getText();
        return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
    }

    @Override
    public ConsoleStatement visitShow(ShowContext ctx) {
        Optional<WhereClause> where = Optional.ofNullable(ctx.condition()).map(StatementBuilder::condition);
        Optional<Show.OrderBy> orderBy = Optional.ofNullable(ctx.orderBy)
                .map(column -> new Show.OrderBy(identifier(column), ctx.DESC() != null));
        return new Show(identifier(ctx.identifier(0)), identifiers(ctx.columns), where, identifiers(ctx.groupBy), orderBy);
    }

    private static List<String> identifiers(IdentifierListContext list) {
        return list == null ? List.of() : list.identifier().stream().map(StatementBuilder::identifier).toList();
    }

    @Override
    public ConsoleStatement visitRegisterRouter(RegisterRouterContext ctx) {
        return new RegisterRouter(identifier(ctx.identifier()), text(ctx.text()));
    }

    @Override
    public ConsoleStatement visitUnregisterRouter(UnregisterRouterContext ctx) {
        return ctx.ALL() != null ? new UnregisterAllRouters() : new UnregisterRouter(identifier(ctx.identifier()));
    }

    @Override
    public ConsoleStatement visitStopTaskGroup(StopTaskGroupContext ctx) {
        boolean immediate = ctx.IMMEDIATE() != null;
        return ctx.ALL() != null ? new StopAllTaskGroups(immediate) : new StopTaskGroup(opaqueId(ctx.opaqueId()), immediate);
    }

    @Override
    public ConsoleStatement visitRetryTaskGroup(RetryTaskGroupContext ctx) {
        return ctx.ALL() != null ? new RetryAllTaskGroups() : new RetryTaskGroup(opaqueId(ctx.opaqueId()));
    }

    @Override
    public ConsoleStatement visitKillClient(KillClientContext ctx) {
        return new KillClient(opaqueId(ctx.opaqueId()));
    }

    @Override
    public ConsoleStatement visitPauseTraffic(PauseTrafficContext ctx) {
        return new PauseTraffic(Optional.ofNullable(ctx.identifier()).map(StatementBuilder::identifier));
    }

    @Override
    public ConsoleStatement visitResumeTraffic(ResumeTrafficContext ctx) {
        return new ResumeTraffic(Optional.ofNullable(ctx.identifier()).map(StatementBuilder::identifier));
    }

    @Override
    public ConsoleStatement visitRecoverTwoPhase(RecoverTwoPhaseContext ctx) {
        return new RecoverTwoPhase();
    }

    @Override
    public ConsoleStatement visitReload(ReloadContext ctx) {
        return new Reload();
    }

    @Override
    public ConsoleStatement visitSetParameter(SetParameterContext ctx) {
        String value;
        if (ctx.literal() != null) {
            value = ctx.literal().NUMBER() != null
                    ? ctx.literal().getText()
                    : stringContent(ctx.literal().STRING().getSymbol());
        } else if (ctx.ALL() != null) {
            value = "all";
        } else {
            value = identifier(ctx.identifier(1));
        }
        return new SetParameter(identifier(ctx.identifier(0)), value);
    }

    private static String columnType(ColumnTypeContext ctx) {
        // INT is SPQR's spelling of the same type; one name keeps the executor's switch small.
        String type = ctx.INT() != null ? "integer" : ctx.getStart().getText().toLowerCase(Locale.ROOT);
        return ctx.HASH() != null ? type + " hash" : type;
    }

    /** SPQR's uinteger is an integer hashed; the executor refuses types it does not know. */
    private static String routingType(RoutingColumnContext ctx) {
        String type = identifier(ctx.type).toLowerCase(Locale.ROOT);
        String name = switch (type) {
            case "int" -> "integer";
            case "uinteger" -> "integer hash";
            default -> type;
        };
        return ctx.HASH() != null && !name.endsWith(" hash") ? name + " hash" : name;
    }

    private static List<KeyEntry> key(List<KeyColumnContext> columns) {
        return columns.stream().map(StatementBuilder::keyEntry).toList();
    }

    private static KeyEntry keyEntry(KeyColumnContext column) {
        if (column.LBRACKET() != null) {
            return new RoutingExpression(identifier(column.hashFunction), column.routingColumn().stream()
                    .map(typed -> new RoutingExpression.TypedColumn(identifier(typed.column), routingType(typed)))
                    .toList());
        }
        return new DistributionKeyColumn(identifier(column.identifier(0)),
                column.hashFunction == null ? null : identifier(column.hashFunction));
    }

    private static Optional<AutoIncrement> autoIncrement(AutoIncrementContext ctx) {
        if (ctx == null) {
            return Optional.empty();
        }
        List<String> columns = ctx.identifier().stream().map(StatementBuilder::identifier).toList();
        OptionalLong start = ctx.start == null ? OptionalLong.empty() : OptionalLong.of(start(ctx.start));
        return Optional.of(new AutoIncrement(columns, start));
    }

    private static long start(Token number) {
        try {
            return Long.parseLong(number.getText());
        } catch (NumberFormatException tooLarge) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                    "START value " + number.getText() + " is out of range for type bigint")
                    .withPosition(number.getStartIndex() + 1);
        }
    }

    private static RelationName relationName(RelationNameContext ctx) {
        return new RelationName(optionalIdentifier(ctx.schema), identifier(ctx.name));
    }

    private static List<BoundLiteral> bound(BoundContext ctx) {
        return ctx.literal().stream().map(StatementBuilder::literal).toList();
    }

    private static BoundLiteral literal(LiteralContext literal) {
        return literal.NUMBER() != null
                ? BoundLiteral.number(literal.getText())
                : BoundLiteral.string(stringContent(literal.STRING().getSymbol()));
    }

    private static WhereClause condition(ConditionContext ctx) {
        return ctx.accept(new ConditionBuilder());
    }

    private static int batchSize(Token number) {
        int size;
        try {
            size = Integer.parseInt(number.getText());
        } catch (NumberFormatException tooLarge) {
            size = -1;
        }
        if (size <= 0) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "BATCH SIZE must be a positive integer, got " + number.getText())
                    .withPosition(number.getStartIndex() + 1);
        }
        return size;
    }

    private static String opaqueId(OpaqueIdContext ctx) {
        if (ctx.identifier() != null) {
            return identifier(ctx.identifier());
        }
        return ctx.STRING() != null ? stringContent(ctx.STRING().getSymbol()) : ctx.getText();
    }

    private static String optionalIdentifier(IdentifierContext ctx) {
        return ctx == null ? null : identifier(ctx);
    }

    /** PostgreSQL's folding: bare names and keywords lower-case, "quoted" names exactly as written. */
    private static String identifier(IdentifierContext ctx) {
        if (ctx.QUOTED_IDENTIFIER() != null) {
            String quoted = ctx.QUOTED_IDENTIFIER().getText();
            return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
        }
        return ctx.getText().toLowerCase(Locale.ROOT);
    }

    private static String stringContent(Token string) {
        String quoted = string.getText();
        return quoted.substring(1, quoted.length() - 1).replace("''", "'");
    }

    private static final class ConditionBuilder extends ConsoleSyntaxBaseVisitor<WhereClause> {
        @Override
        public WhereClause visitParenthesized(ParenthesizedContext ctx) {
            return visit(ctx.condition());
        }

        @Override
        public WhereClause visitConjunction(ConjunctionContext ctx) {
            return new WhereClause.And(visit(ctx.condition(0)), visit(ctx.condition(1)));
        }

        @Override
        public WhereClause visitDisjunction(DisjunctionContext ctx) {
            return new WhereClause.Or(visit(ctx.condition(0)), visit(ctx.condition(1)));
        }

        @Override
        public WhereClause visitComparison(ComparisonContext ctx) {
            var operator = ctx.comparisonOperator().EQ() != null
                    ? WhereClause.ComparisonOperator.EQUALS
                    : WhereClause.ComparisonOperator.NOT_EQUALS;
            String value = ctx.literal().NUMBER() != null
                    ? ctx.literal().getText()
                    : stringContent(ctx.literal().STRING().getSymbol());
            return new WhereClause.Comparison(identifier(ctx.identifier()), operator, value);
        }
    }
}
