package dev.shardgate.console.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.ast.CheckDistribution;
import dev.shardgate.console.ast.DrainShard;
import dev.shardgate.console.ast.RebalanceDistribution;
import dev.shardgate.console.ast.CreateKeyRanges;
import dev.shardgate.console.ast.AttachRelations;
import dev.shardgate.console.ast.AutoIncrement;
import dev.shardgate.console.ast.BoundLiteral;
import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.CreateDistribution;
import dev.shardgate.console.ast.CreateKeyRange;
import dev.shardgate.console.ast.CreateReferenceTable;
import dev.shardgate.console.ast.AddShardHosts;
import dev.shardgate.console.ast.CreateShard;
import dev.shardgate.console.ast.DropShardHosts;
import dev.shardgate.console.ast.FailoverShard;
import dev.shardgate.console.ast.SwitchoverShard;
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
import dev.shardgate.console.ast.KillClient;
import dev.shardgate.console.ast.LockKeyRange;
import dev.shardgate.console.ast.MoveKeyRange;
import dev.shardgate.console.ast.RedistributeKeyRange;
import dev.shardgate.console.ast.RegisterRouter;
import dev.shardgate.console.ast.RelationName;
import dev.shardgate.console.ast.RetryTaskGroup;
import dev.shardgate.console.ast.SetParameter;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.ast.SplitKeyRange;
import dev.shardgate.console.ast.StopTaskGroup;
import dev.shardgate.console.ast.UniteKeyRange;
import dev.shardgate.console.ast.UnlockKeyRange;
import dev.shardgate.console.ast.UnregisterAllRouters;
import dev.shardgate.console.ast.UnregisterRouter;
import dev.shardgate.console.ast.WhereClause;
import dev.shardgate.console.ast.WhereClause.And;
import dev.shardgate.console.ast.WhereClause.Comparison;
import dev.shardgate.console.ast.WhereClause.Or;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** One test per statement form: the text on the left parses to exactly the record on the right. */
class ConsoleParserStatementsTest {

    static void assertParses(String text, ConsoleStatement expected) {
        assertThat(ConsoleParser.parse(text)).containsExactly(expected);
    }

    static BoundLiteral number(String digits) {
        return BoundLiteral.number(digits);
    }

    static BoundLiteral string(String content) {
        return BoundLiteral.string(content);
    }

    static DistributionKeyColumn column(String name) {
        return new DistributionKeyColumn(name, null);
    }

    // ---- distributions ----

    @Test
    void createDistributionWithOneIntegerColumn() {
        assertParses("CREATE DISTRIBUTION ds1 COLUMN TYPES integer",
                new CreateDistribution("ds1", List.of("integer"), null));
    }

    @Test
    void createDistributionWithHashedVarchar() {
        assertParses("CREATE DISTRIBUTION ds COLUMN TYPES varchar hash;",
                new CreateDistribution("ds", List.of("varchar hash"), null));
    }

    @Test
    void createDistributionWithCompositeKeyAndDefaultShard() {
        assertParses("create distribution ds column types integer, VARCHAR, uuid, Varchar Hash, integer hash, "
                        + "uuid hash, int default shard sh0",
                new CreateDistribution("ds",
                        List.of("integer", "varchar", "uuid", "varchar hash", "integer hash", "uuid hash", "integer"),
                        "sh0"));
    }

    @Test
    void createDistributionWithParenthesizedTypes() {
        assertParses("CREATE DISTRIBUTION ds5 (integer, varchar hash) DEFAULT SHARD sh1",
                new CreateDistribution("ds5", List.of("integer", "varchar hash"), "sh1"));
    }

    @Test
    void dropDistribution() {
        assertParses("DROP DISTRIBUTION ds1", new DropDistribution("ds1", false));
        assertParses("DROP DISTRIBUTION ds1 CASCADE", new DropDistribution("ds1", true));
    }

    @Test
    void dropAllDistributions() {
        assertParses("DROP DISTRIBUTION ALL", new DropAllDistributions(false));
        assertParses("DROP DISTRIBUTION ALL CASCADE", new DropAllDistributions(true));
    }

    @Test
    void dropDistributionNamedAllNeedsQuotes() {
        assertParses("DROP DISTRIBUTION \"all\"", new DropDistribution("all", false));
    }

    // ---- relations ----

    @Test
    void attachOneRelation() {
        assertParses("ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id",
                new AttachRelations("ds1",
                        List.of(new DistributedRelation(RelationName.of("orders"), List.of(column("id"))))));
    }

    @Test
    void attachRelationsWithHashFunctionsSchemasAndCompositeKeys() {
        assertParses("""
                ALTER DISTRIBUTION ds ATTACH RELATION public.orders DISTRIBUTION KEY tenant HASH FUNCTION MURMUR, id,
                                            RELATION items DISTRIBUTION KEY order_id HASH FUNCTION city,
                                            TABLE x DISTRIBUTION KEY k HASH FUNCTION ident
                """,
                new AttachRelations("ds", List.of(
                        new DistributedRelation(new RelationName("public", "orders"),
                                List.of(new DistributionKeyColumn("tenant", "murmur"), column("id"))),
                        new DistributedRelation(RelationName.of("items"),
                                List.of(new DistributionKeyColumn("order_id", "city"))),
                        new DistributedRelation(RelationName.of("x"),
                                List.of(new DistributionKeyColumn("k", "ident"))))));
    }

    @Test
    void createDistributedRelationOldForm() {
        assertParses("CREATE DISTRIBUTED RELATION r (col HASH FUNCTION murmur, c2) IN ds",
                new AttachRelations("ds", List.of(new DistributedRelation(RelationName.of("r"),
                        List.of(new DistributionKeyColumn("col", "murmur"), column("c2"))))));
    }

    @Test
    void createRelationOldFormVariants() {
        assertParses("CREATE RELATION s.r (i HASH murmur)",
                new AttachRelations(null, List.of(new DistributedRelation(new RelationName("s", "r"),
                        List.of(new DistributionKeyColumn("i", "murmur"))))));
        assertParses("CREATE DISTRIBUTED RELATION xx DISTRIBUTION KEY col1, col2 FOR DISTRIBUTION ds1",
                new AttachRelations("ds1", List.of(new DistributedRelation(RelationName.of("xx"),
                        List.of(column("col1"), column("col2"))))));
    }

    @Test
    void attachRelationWithAutoIncrement() {
        assertParses("ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id AUTO INCREMENT id",
                new AttachRelations("ds1", List.of(new DistributedRelation(RelationName.of("orders"), List.of(column("id")),
                        Optional.of(new AutoIncrement(List.of("id"), OptionalLong.empty()))))));
    }

    @Test
    void autoIncrementTakesSeveralColumnsAStartAndLeavesTheNextRelationClauseAlone() {
        assertParses("""
                ALTER DISTRIBUTION ds ATTACH RELATION a DISTRIBUTION KEY k AUTO INCREMENT id, "Serial", relation START -5,
                                      RELATION b DISTRIBUTION KEY k auto increment id
                """,
                new AttachRelations("ds", List.of(
                        new DistributedRelation(RelationName.of("a"), List.of(column("k")),
                                Optional.of(new AutoIncrement(List.of("id", "Serial", "relation"), OptionalLong.of(-5)))),
                        new DistributedRelation(RelationName.of("b"), List.of(column("k")),
                                Optional.of(new AutoIncrement(List.of("id"), OptionalLong.empty()))))));
    }

    @Test
    void createDistributedRelationWithAutoIncrementBeforeIn() {
        assertParses("CREATE DISTRIBUTED RELATION t (id HASH FUNCTION murmur) AUTO INCREMENT id START 1000 IN ds",
                new AttachRelations("ds", List.of(new DistributedRelation(RelationName.of("t"),
                        List.of(new DistributionKeyColumn("id", "murmur")),
                        Optional.of(new AutoIncrement(List.of("id"), OptionalLong.of(1000)))))));
        assertParses("CREATE RELATION t DISTRIBUTION KEY k AUTO INCREMENT id",
                new AttachRelations(null, List.of(new DistributedRelation(RelationName.of("t"), List.of(column("k")),
                        Optional.of(new AutoIncrement(List.of("id"), OptionalLong.empty()))))));
    }

    @Test
    void newKeywordsStayUsableAsNames() {
        assertParses("CREATE DISTRIBUTED RELATION auto (increment) AUTO INCREMENT start IN sequence",
                new AttachRelations("sequence", List.of(new DistributedRelation(RelationName.of("auto"),
                        List.of(column("increment")), Optional.of(new AutoIncrement(List.of("start"), OptionalLong.empty()))))));
    }

    @Test
    void dropSequence() {
        assertParses("DROP SEQUENCE orders_id", new DropSequence("orders_id"));
        assertParses("drop sequence Sales.\"Orders_id\"", new DropSequence("sales.Orders_id"));
        assertParses("DROP SEQUENCE public.orders_id", new DropSequence("orders_id"));
    }

    @Test
    void detachRelation() {
        assertParses("ALTER DISTRIBUTION ds1 DETACH RELATION sales.orders",
                new DetachRelation("ds1", new RelationName("sales", "orders")));
    }

    @Test
    void createReferenceTable() {
        assertParses("CREATE REFERENCE TABLE tax_rates",
                new CreateReferenceTable(RelationName.of("tax_rates"), List.of()));
        assertParses("CREATE REFERENCE RELATION tax_rates ON sh1, sh2",
                new CreateReferenceTable(RelationName.of("tax_rates"), List.of("sh1", "sh2")));
    }

    @Test
    void dropReferenceTable() {
        assertParses("DROP REFERENCE TABLE s.tax_rates", new DropReferenceTable(new RelationName("s", "tax_rates")));
        assertParses("DROP REFERENCE RELATION t", new DropReferenceTable(RelationName.of("t")));
    }

    // ---- key ranges ----

    @Test
    void createKeyRange() {
        assertParses("CREATE KEY RANGE krid1 FROM 0 ROUTE TO shard1 FOR DISTRIBUTION ds1",
                new CreateKeyRange("krid1", List.of(number("0")), "shard1", "ds1"));
    }

    @Test
    void createKeyRangeWithoutIdOrDistribution() {
        assertParses("CREATE KEY RANGE FROM -100 ROUTE TO sh1",
                new CreateKeyRange(null, List.of(number("-100")), "sh1", null));
    }

    @Test
    void createKeyRangeWithCompositeBound() {
        assertParses("CREATE KEY RANGE kr3 FROM 100, 'aa''bb' ROUTE TO shard3 FOR DISTRIBUTION ds3",
                new CreateKeyRange("kr3", List.of(number("100"), string("aa'bb")), "shard3", "ds3"));
    }

    @Test
    void dropKeyRange() {
        assertParses("DROP KEY RANGE kr1", new DropKeyRange("kr1"));
        assertParses("DROP KEY RANGE ALL", new DropAllKeyRanges());
    }

    @Test
    void splitKeyRange() {
        assertParses("SPLIT KEY RANGE kr2 FROM kr1 BY 100", new SplitKeyRange("kr2", "kr1", List.of(number("100"))));
        assertParses("SPLIT KEY RANGE kr4 FROM kr3 BY 'FF00', 7",
                new SplitKeyRange("kr4", "kr3", List.of(string("FF00"), number("7"))));
    }

    @Test
    void uniteKeyRange() {
        assertParses("UNITE KEY RANGE kr1 WITH kr2", new UniteKeyRange("kr1", "kr2"));
    }

    @Test
    void lockAndUnlockKeyRange() {
        assertParses("LOCK KEY RANGE kr1", new LockKeyRange("kr1"));
        assertParses("UNLOCK KEY RANGE kr1", new UnlockKeyRange("kr1"));
    }

    @Test
    void moveKeyRange() {
        assertParses("MOVE KEY RANGE kr1 TO sh2", new MoveKeyRange("kr1", "sh2"));
    }

    @Test
    void redistributeKeyRange() {
        assertParses("REDISTRIBUTE KEY RANGE kr1 TO sh2",
                new RedistributeKeyRange("kr1", "sh2", OptionalInt.empty(), false, false));
        assertParses("REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 500 NOWAIT",
                new RedistributeKeyRange("kr1", "sh2", OptionalInt.of(500), false, true));
        assertParses("REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 10 CHECK",
                new RedistributeKeyRange("kr1", "sh2", OptionalInt.of(10), true, false));
        assertParses("REDISTRIBUTE KEY RANGE kr1 TO sh2 APPLY",
                new RedistributeKeyRange("kr1", "sh2", OptionalInt.empty(), false, false));
    }

    @Test
    void createKeyRangesAndCheckDistribution() {
        assertParses("CREATE KEY RANGES 4 FOR DISTRIBUTION ds1 ROUTE TO sh1, \"Sh2\"",
                new CreateKeyRanges("4", "ds1", Optional.empty(), Optional.empty(), List.of("sh1", "Sh2")));
        assertParses("create key ranges 3 for distribution ds1 from -10 to '20' route to sh1",
                new CreateKeyRanges("3", "ds1", Optional.of(BoundLiteral.number("-10")), Optional.of(BoundLiteral.string("20")),
                        List.of("sh1")));
        assertParses("CHECK DISTRIBUTION ds1", new CheckDistribution("ds1"));
    }

    @Test
    void drainShard() {
        assertParses("DRAIN SHARD sh3", new DrainShard("sh3", List.of(), OptionalInt.empty()));
        assertParses("drain shard sh3 to sh1, \"Sh2\" batch size 500",
                new DrainShard("sh3", List.of("sh1", "Sh2"), OptionalInt.of(500)));
    }

    @Test
    void rebalanceDistribution() {
        assertParses("REBALANCE DISTRIBUTION ds1", new RebalanceDistribution("ds1", false, 10, false));
        assertParses("rebalance distribution \"Ds\" by bytes threshold 5 dry run",
                new RebalanceDistribution("Ds", true, 5, true));
        assertParses("REBALANCE DISTRIBUTION ds1 BY ROWS DRY RUN", new RebalanceDistribution("ds1", false, 10, true));
        assertParses("REBALANCE DISTRIBUTION ds1 THRESHOLD 0", new RebalanceDistribution("ds1", false, 0, false));
        // the new keywords stay usable as names
        assertParses("REBALANCE DISTRIBUTION rows", new RebalanceDistribution("rows", false, 10, false));
        assertParses("SHOW rebalance", new Show("rebalance", Optional.empty()));
    }

    // ---- shards ----

    @Test
    void createShardWithHosts() {
        assertParses("CREATE SHARD sh1 WITH HOSTS 'pg1:5432', 'pg2:5432'",
                new CreateShard("sh1", List.of("pg1:5432", "pg2:5432")));
    }

    @Test
    void createShardWithSpqrOptions() {
        assertParses("CREATE SHARD shard1 OPTIONS (HOST 'shard1-host:5432', HOST 'replica:6432')",
                new CreateShard("shard1", List.of("shard1-host:5432", "replica:6432")));
    }

    @Test
    void alterShardAddAndDropHosts() {
        assertParses("ALTER SHARD sh1 ADD HOST 'pg3:5432'", new AddShardHosts("sh1", List.of("pg3:5432")));
        assertParses("alter shard \"Sh-1\" add hosts 'pg3:5432', '[::1]:6432'",
                new AddShardHosts("Sh-1", List.of("pg3:5432", "[::1]:6432")));
        assertParses("ALTER SHARD sh1 DROP HOST 'pg1:5432', 'pg2:5432'",
                new DropShardHosts("sh1", List.of("pg1:5432", "pg2:5432")));
    }

    @Test
    void failoverShard() {
        assertParses("FAILOVER SHARD sh1", new FailoverShard("sh1", Optional.empty(), false));
        assertParses("FAILOVER SHARD sh1 TO 'pg2:5432'", new FailoverShard("sh1", Optional.of("pg2:5432"), false));
        assertParses("failover shard sh1 force", new FailoverShard("sh1", Optional.empty(), true));
        assertParses("FAILOVER SHARD sh1 TO 'pg2:5432' FORCE", new FailoverShard("sh1", Optional.of("pg2:5432"), true));
    }

    @Test
    void switchoverShard() {
        assertParses("SWITCHOVER SHARD sh1", new SwitchoverShard("sh1", Optional.empty()));
        assertParses("SWITCHOVER SHARD sh1 TO 'pg2:5432'", new SwitchoverShard("sh1", Optional.of("pg2:5432")));
    }

    @Test
    void replicaKeywordsStayUsableAsNames() {
        assertParses("FAILOVER SHARD failover FORCE", new FailoverShard("failover", Optional.empty(), true));
        assertParses("ALTER SHARD add ADD HOST 'force:1'", new AddShardHosts("add", List.of("force:1")));
        assertParses("DROP SHARD switchover", new DropShard("switchover"));
    }

    @Test
    void dropShard() {
        assertParses("DROP SHARD sh1", new DropShard("sh1"));
    }

    // ---- show ----

    @Test
    void showAnything() {
        for (String what : List.of("shards", "distributions", "key_ranges", "relations", "reference_relations",
                "clients", "pools", "backend_connections", "version", "status", "routers", "task_group",
                "sequences", "hosts", "something_new")) {
            assertParses("SHOW " + what, new Show(what, Optional.empty()));
        }
        assertParses("SHOW KEY_RANGES", new Show("key_ranges", Optional.empty()));
    }

    @Test
    void showWithWhere() {
        assertParses("SHOW backend_connections WHERE hostname = 'localhost'",
                new Show("backend_connections", Optional.of(
                        new Comparison("hostname", WhereClause.ComparisonOperator.EQUALS, "localhost"))));
    }

    @Test
    void showWhereAndBindsTighterThanOr() {
        var a = new Comparison("a", WhereClause.ComparisonOperator.EQUALS, "1");
        var b = new Comparison("b", WhereClause.ComparisonOperator.NOT_EQUALS, "x");
        var c = new Comparison("c", WhereClause.ComparisonOperator.NOT_EQUALS, "y");
        assertParses("SHOW clients WHERE a = 1 OR b <> 'x' AND c != 'y'",
                new Show("clients", Optional.of(new Or(a, new And(b, c)))));
        assertParses("SHOW clients WHERE (a = 1 OR b <> 'x') AND c != 'y'",
                new Show("clients", Optional.of(new And(new Or(a, b), c))));
    }

    // ---- session parameters ----

    @Test
    void setAsDriversSendIt() {
        assertParses("SET extra_float_digits = 3", new SetParameter("extra_float_digits", "3"));
        assertParses("SET application_name = 'PostgreSQL JDBC Driver'",
                new SetParameter("application_name", "PostgreSQL JDBC Driver"));
        assertParses("set DateStyle TO ISO", new SetParameter("datestyle", "iso"));
        assertParses("SET search_path = DEFAULT", new SetParameter("search_path", "default"));
        assertParses("SET x TO ON", new SetParameter("x", "on"));
    }

    // ---- routers, tasks, clients ----

    @Test
    void registerRouter() {
        assertParses("REGISTER ROUTER router1 ADDRESS '[localhost]:7010'",
                new RegisterRouter("router1", "[localhost]:7010"));
    }

    @Test
    void unregisterRouter() {
        assertParses("UNREGISTER ROUTER router1", new UnregisterRouter("router1"));
        assertParses("UNREGISTER ROUTER ALL", new UnregisterAllRouters());
    }

    @Test
    void taskGroups() {
        assertParses("STOP TASK GROUP tg1", new StopTaskGroup("tg1"));
        assertParses("RETRY TASK GROUP '1b4e28ba-2fa1-11d2-883f-0016d3cca427'",
                new RetryTaskGroup("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
    }

    @Test
    void killClient() {
        assertParses("KILL CLIENT 824636929312", new KillClient("824636929312"));
    }

    @Test
    void recoverTwoPhase() {
        assertParses("recover Two PHASE", new dev.shardgate.console.ast.RecoverTwoPhase());
        // its words stay usable as names
        assertThat(ConsoleParser.parse("CREATE DISTRIBUTION phase COLUMN TYPES integer; CREATE SHARD recover WITH HOSTS 'h:1'"))
                .hasSize(2);
    }

    @Test
    void reload() {
        assertParses("Reload", new dev.shardgate.console.ast.Reload());
        // still usable as a name
        assertThat(ConsoleParser.parse("CREATE SHARD reload WITH HOSTS 'h:1'")).hasSize(1);
    }
}
