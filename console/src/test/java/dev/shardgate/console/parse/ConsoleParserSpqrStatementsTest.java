package dev.shardgate.console.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.ast.AlterRelationKey;
import dev.shardgate.console.ast.AlterShardOptions;
import dev.shardgate.console.ast.AttachRelations;
import dev.shardgate.console.ast.DistributedRelation;
import dev.shardgate.console.ast.AlterShardOptions.Action;
import dev.shardgate.console.ast.AlterShardOptions.HostOption;
import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.CreateShard;
import dev.shardgate.console.ast.CreateUniqueIndex;
import dev.shardgate.console.ast.DropUniqueIndex;
import dev.shardgate.console.ast.DistributionKeyColumn;
import dev.shardgate.console.ast.FailoverShard;
import dev.shardgate.console.ast.Help;
import dev.shardgate.console.ast.MoveKeyRange;
import dev.shardgate.console.ast.RegisterRouter;
import dev.shardgate.console.ast.CreateReferenceTable;
import dev.shardgate.console.ast.RelationName;
import dev.shardgate.console.ast.RenameDistributionColumn;
import dev.shardgate.console.ast.RenameKeyRange;
import dev.shardgate.console.ast.RoutingExpression;
import dev.shardgate.console.ast.SetDefaultShard;
import dev.shardgate.console.ast.StopAllTaskGroups;
import dev.shardgate.console.ast.StopTaskGroup;
import dev.shardgate.console.ast.SyncReferenceTables;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SPQR's statements and spellings that scripts written for SPQR's console use. */
class ConsoleParserSpqrStatementsTest {

    @Test
    void doubleQuotedHostsAreStringsAsInSpqr() {
        assertParses("CREATE SHARD sh1 WITH HOSTS \"localhost:6432\", 'pg2:5432'",
                new CreateShard("sh1", List.of("localhost:6432", "pg2:5432")));
        assertParses("CREATE SHARD sh1 OPTIONS (HOST \"pg1:5432\")", new CreateShard("sh1", List.of("pg1:5432")));
        assertParses("FAILOVER SHARD sh1 TO \"pg2:5432\" FORCE", new FailoverShard("sh1", Optional.of("pg2:5432"), true));
        assertParses("REGISTER ROUTER r1 ADDRESS \"router1:7000\"", new RegisterRouter("r1", "router1:7000"));
    }

    @Test
    void defaultShardIsAddedAndDropped() {
        assertParses("ALTER DISTRIBUTION ds1 ADD DEFAULT SHARD sh1", new SetDefaultShard("ds1", Optional.of("sh1")));
        assertParses("alter distribution ds1 drop default shard", new SetDefaultShard("ds1", Optional.empty()));
    }

    @Test
    void alterRelationReplacesTheKeyOrRenamesAColumn() {
        assertParses("ALTER DISTRIBUTION ds1 ALTER RELATION orders DISTRIBUTION KEY customer_id",
                new AlterRelationKey("ds1", new RelationName(null, "orders"),
                        List.of(new DistributionKeyColumn("customer_id", null))));
        assertParses("ALTER DISTRIBUTION ds1 ALTER TABLE s.events DISTRIBUTION KEY region_id, name HASH FUNCTION murmur",
                new AlterRelationKey("ds1", new RelationName("s", "events"), List.of(
                        new DistributionKeyColumn("region_id", null), new DistributionKeyColumn("name", "murmur"))));
        // SPQR's use case: a key attached as W_ID; bare names fold, so the quoted one keeps its case
        assertParses("ALTER DISTRIBUTION ds1 ALTER RELATION rc_test RENAME DISTRIBUTION COLUMN \"W_ID\" TO w_id",
                new RenameDistributionColumn("ds1", new RelationName(null, "rc_test"), "W_ID", "w_id"));
    }

    @Test
    void routingExpressionsAreKeyEntries() {
        assertParses("CREATE RELATION tr (MURMUR [id1 INT HASH, id2 VARCHAR HASH])",
                new AttachRelations(null, List.of(new DistributedRelation(new RelationName(null, "tr"), List.of(
                        new RoutingExpression("murmur", List.of(new RoutingExpression.TypedColumn("id1", "integer hash"),
                                new RoutingExpression.TypedColumn("id2", "varchar hash"))))))));
        assertParses("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY tenant, city [s varchar, i uinteger]",
                new AttachRelations("ds1", List.of(new DistributedRelation(new RelationName(null, "t"), List.of(
                        new DistributionKeyColumn("tenant", null),
                        new RoutingExpression("city", List.of(new RoutingExpression.TypedColumn("s", "varchar"),
                                new RoutingExpression.TypedColumn("i", "integer hash"))))))));
        assertParses("ALTER DISTRIBUTION ds1 ALTER RELATION t DISTRIBUTION KEY murmur [a integer]",
                new AlterRelationKey("ds1", new RelationName(null, "t"),
                        List.of(new RoutingExpression("murmur", List.of(new RoutingExpression.TypedColumn("a", "integer"))))));
    }

    @Test
    void renameAndMoveKeyRange() {
        assertParses("RENAME KEY RANGE kr1 TO krid1", new RenameKeyRange("kr1", "krid1"));
        assertParses("MOVE KEY RANGE kr1 TO sh2 META ONLY", new MoveKeyRange("kr1", "sh2", true));
        assertParses("MOVE KEY RANGE kr1 TO sh2", new MoveKeyRange("kr1", "sh2", false));
        // the new words stay usable as names
        assertParses("RENAME KEY RANGE rename TO meta", new RenameKeyRange("rename", "meta"));
        assertParses("MOVE KEY RANGE only TO help", new MoveKeyRange("only", "help", false));
    }

    @Test
    void stopTaskGroupAll() {
        assertParses("STOP TASK GROUP ALL", new StopAllTaskGroups());
        assertParses("STOP TASK GROUP \"all\"", new StopTaskGroup("all"));
    }

    @Test
    void taskGroupImmediateAllAndNamedByRedistribute() {
        assertParses("STOP TASK GROUP tg1 IMMEDIATE", new StopTaskGroup("tg1", true));
        assertParses("STOP TASK GROUP ALL IMMEDIATE", new StopAllTaskGroups(true));
        assertParses("RETRY TASK GROUP ALL", new dev.shardgate.console.ast.RetryAllTaskGroups());
        assertParses("REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 100 TASK GROUP 'tg-1' NOWAIT",
                new dev.shardgate.console.ast.RedistributeKeyRange("kr1", "sh2", java.util.OptionalInt.of(100), false, true,
                        Optional.of("tg-1")));
        assertParses("REDISTRIBUTE KEY RANGE kr1 TO sh2 TASK GROUP taskgroup1 CHECK",
                new dev.shardgate.console.ast.RedistributeKeyRange("kr1", "sh2", java.util.OptionalInt.empty(), true, false,
                        Optional.of("taskgroup1")));
    }

    @Test
    void alterRelationSchemaAndSpqrsCreateKeyRanges() {
        assertParses("ALTER DISTRIBUTION ds1 ALTER RELATION orders SCHEMA my_schema",
                new dev.shardgate.console.ast.AlterRelationSchema("ds1", new RelationName(null, "orders"), "my_schema"));
        assertParses("CREATE KEY RANGES FOR DISTRIBUTION ds1",
                new dev.shardgate.console.ast.CreateKeyRanges(null, "ds1", Optional.empty(), Optional.empty(), List.of(), true));
        assertParses("CREATE KEY RANGES FOR DISTRIBUTION ds1 USING ALL SHARDS",
                new dev.shardgate.console.ast.CreateKeyRanges(null, "ds1", Optional.empty(), Optional.empty(), List.of(), true));
        assertParses("CREATE KEY RANGES FOR DISTRIBUTION ds1 BETWEEN 0 AND 1000 USING SHARDS sh1, sh2",
                new dev.shardgate.console.ast.CreateKeyRanges(null, "ds1",
                        Optional.of(dev.shardgate.console.ast.BoundLiteral.number("0")),
                        Optional.of(dev.shardgate.console.ast.BoundLiteral.number("1000")), List.of("sh1", "sh2"), true));
        // the new words stay usable as names
        assertParses("STOP TASK GROUP immediate", new StopTaskGroup("immediate"));
    }

    @Test
    void alterShardOptions() {
        assertParses("ALTER SHARD sh1 OPTIONS (ADD HOST 'pg2:5432', DROP HOST \"pg1:5432\", SET HOST 'pg3:5432', HOST 'pg4:5432')",
                new AlterShardOptions("sh1", List.of(new HostOption(Action.ADD, "pg2:5432"),
                        new HostOption(Action.DROP, "pg1:5432"), new HostOption(Action.SET, "pg3:5432"),
                        new HostOption(Action.SET, "pg4:5432"))));
    }

    @Test
    void syncReferenceTables() {
        assertParses("SYNC REFERENCE TABLES ON sh2", new SyncReferenceTables(Optional.empty(), "sh2"));
        assertParses("SYNC REFERENCE RELATIONS ON sh2", new SyncReferenceTables(Optional.empty(), "sh2"));
        assertParses("SYNC REFERENCE TABLE s.rates ON sh2",
                new SyncReferenceTables(Optional.of(new RelationName("s", "rates")), "sh2"));
        // the new words stay names elsewhere
        assertParses("SHOW relations", new dev.shardgate.console.ast.Show("relations", Optional.empty()));
    }

    @Test
    void uniqueIndexes() {
        assertParses("CREATE UNIQUE INDEX ui1 ON s.orders COLUMNS (id INT, code VARCHAR HASH)",
                new CreateUniqueIndex("ui1", new RelationName("s", "orders"), List.of(
                        new CreateUniqueIndex.TypedColumn("id", "integer"), new CreateUniqueIndex.TypedColumn("code", "varchar hash"))));
        assertParses("DROP UNIQUE INDEX ui1", new DropUniqueIndex("ui1"));
    }

    @Test
    void autoIncrementOnAReferenceTable() {
        assertParses("CREATE REFERENCE TABLE rates AUTO INCREMENT id, serial START 42 ON sh1",
                new CreateReferenceTable(new RelationName(null, "rates"), List.of("sh1"),
                        java.util.Optional.of(new dev.shardgate.console.ast.AutoIncrement(List.of("id", "serial"),
                                java.util.OptionalLong.of(42)))));
    }

    @Test
    void helpTakesAnyWords() {
        assertParses("HELP", new Help(List.of()));
        assertParses("help Create Key RANGE", new Help(List.of("create", "key", "range")));
        assertParses("HELP DROP KEY RANGE ALL", new Help(List.of("drop", "key", "range", "all")));
    }

    @Test
    void aQuotedIdentifierIsNoStringWhereSpqrReadsNone() {
        PgException e = catchThrowableOfType(PgException.class, () -> ConsoleParser.parse("SHOW shards WHERE shard_id = \"sh1\""));
        assertThat(e.sqlState()).isEqualTo(SqlState.SYNTAX_ERROR);
    }

    private static void assertParses(String text, ConsoleStatement expected) {
        assertThat(ConsoleParser.parse(text)).containsExactly(expected);
    }
}
