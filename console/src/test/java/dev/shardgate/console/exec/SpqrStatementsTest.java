package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPQR's statements that change an object in place, and HELP. */
class SpqrStatementsTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @BeforeEach
    void setUp() {
        console.run("""
                CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
                CREATE SHARD sh2 WITH HOSTS "pg2:5432";
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                CREATE DISTRIBUTION dv COLUMN TYPES varchar, integer;
                ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY W_ID AUTO INCREMENT id START 10;
                ALTER DISTRIBUTION dv ATTACH RELATION pairs DISTRIBUTION KEY a, b;
                CREATE KEY RANGE kr2 FROM 100 ROUTE TO sh2 FOR DISTRIBUTION ds1;
                CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1""");
    }

    @Test
    void doubleQuotedHostIsStoredAsWritten() {
        assertThat(console.qdb.snapshot().shard("sh2")).contains(new Shard("sh2", List.of("pg2:5432")));
    }

    @Test
    void defaultShardIsAddedAndDroppedAfterCreation() {
        assertThat(console.answers("ALTER DISTRIBUTION ds1 ADD DEFAULT SHARD sh2")).containsExactly("ALTER DISTRIBUTION");
        assertThat(console.qdb.snapshot().distribution("ds1").orElseThrow().defaultShard()).contains("sh2");
        // the shard is now in use, as a default shard given at CREATE DISTRIBUTION is
        console.fails("DROP KEY RANGE kr2; DROP SHARD sh2", SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop shard \"sh2\" because other objects depend on it: distribution \"ds1\" (default shard)");

        assertThat(console.answers("ALTER DISTRIBUTION ds1 DROP DEFAULT SHARD")).containsExactly("ALTER DISTRIBUTION");
        assertThat(console.qdb.snapshot().distribution("ds1").orElseThrow().defaultShard()).isEmpty();

        console.fails("ALTER DISTRIBUTION ds1 ADD DEFAULT SHARD sh9", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
        console.fails("ALTER DISTRIBUTION ds9 ADD DEFAULT SHARD sh1", SqlState.UNDEFINED_OBJECT,
                "distribution \"ds9\" does not exist");
    }

    @Test
    void alterRelationReplacesTheWholeKeyAndKeepsAutoIncrement() {
        assertThat(console.answers("ALTER DISTRIBUTION dv ALTER RELATION pairs DISTRIBUTION KEY name, id"))
                .containsExactly("ALTER DISTRIBUTION");
        assertThat(console.qdb.snapshot().relation(new QualifiedName(null, "pairs")).orElseThrow().keyColumns())
                .containsExactly(new DistributionKeyColumn("name", HashFunction.IDENT), new DistributionKeyColumn("id", HashFunction.IDENT));

        console.run("ALTER DISTRIBUTION ds1 ALTER RELATION orders DISTRIBUTION KEY customer_id");
        DistributedRelation orders = console.qdb.snapshot().relation(new QualifiedName(null, "orders")).orElseThrow();
        assertThat(orders.keyColumns()).containsExactly(new DistributionKeyColumn("customer_id", HashFunction.IDENT));
        assertThat(orders.autoIncrement()).containsExactly(new AutoIncrementColumn("id", 10));
    }

    @Test
    void alterRelationRefusalsNameTheObject() {
        console.fails("ALTER DISTRIBUTION dv ALTER RELATION pairs DISTRIBUTION KEY a", SqlState.INVALID_TABLE_DEFINITION,
                "relation \"public.pairs\" has 1 distribution key column but distribution \"dv\" has 2 column types");
        console.fails("ALTER DISTRIBUTION dv ALTER RELATION pairs DISTRIBUTION KEY a, a", SqlState.INVALID_TABLE_DEFINITION,
                "column \"a\" is named twice in the distribution key of relation \"public.pairs\"");
        console.fails("ALTER DISTRIBUTION dv ALTER RELATION orders DISTRIBUTION KEY a, b", SqlState.UNDEFINED_TABLE,
                "relation \"public.orders\" is attached to distribution \"ds1\", not \"dv\"");
        console.fails("ALTER DISTRIBUTION ds1 ALTER RELATION nothing DISTRIBUTION KEY a", SqlState.UNDEFINED_TABLE,
                "relation \"public.nothing\" is not attached to distribution \"ds1\"");
    }

    @Test
    void renameDistributionColumnFixesTheNameInTheMetadata() {
        // bare W_ID folded to w_id at ATTACH; SPQR's case-mismatch fix is written with a quoted name here
        console.run("ALTER DISTRIBUTION ds1 ALTER RELATION orders RENAME DISTRIBUTION COLUMN w_id TO \"W_ID\"");
        assertThat(console.qdb.snapshot().relation(new QualifiedName(null, "orders")).orElseThrow().keyColumns())
                .containsExactly(new DistributionKeyColumn("W_ID", HashFunction.IDENT));

        console.fails("ALTER DISTRIBUTION ds1 ALTER RELATION orders RENAME DISTRIBUTION COLUMN w_id TO x",
                SqlState.UNDEFINED_COLUMN, "column \"w_id\" is not in the distribution key of relation \"public.orders\"");
        console.fails("ALTER DISTRIBUTION dv ALTER RELATION pairs RENAME DISTRIBUTION COLUMN a TO b",
                SqlState.INVALID_TABLE_DEFINITION, "column \"b\" is named twice in the distribution key of relation \"public.pairs\"");
    }

    @Test
    void renameKeyRangeKeepsBoundAndShard() {
        assertThat(console.answers("RENAME KEY RANGE kr2 TO krid2"))
                .containsExactly("rename key range: rename key range kr2 to krid2");
        assertThat(console.qdb.snapshot().keyRange("kr2")).isEmpty();
        KeyRange renamed = console.qdb.snapshot().keyRange("krid2").orElseThrow();
        assertThat(renamed.shardId()).isEqualTo("sh2");
        assertThat(renamed.lowerBound()).isEqualTo(console.qdb.snapshot().distribution("ds1").orElseThrow()
                .parseBound(List.of("100")));

        console.fails("RENAME KEY RANGE kr9 TO x", SqlState.UNDEFINED_OBJECT, "key range \"kr9\" does not exist");
        console.fails("RENAME KEY RANGE kr1 TO krid2", SqlState.DUPLICATE_OBJECT, "key range \"krid2\" already exists");
        console.run("LOCK KEY RANGE kr1");
        console.fails("RENAME KEY RANGE kr1 TO x", SqlState.OBJECT_IN_USE, "cannot rename key range \"kr1\" because it is locked");
    }

    @Test
    void alterRelationSchemaKeepsKeyAndIndexesAndRefusesWhatItCannotKeep() {
        console.run("ALTER DISTRIBUTION ds1 ATTACH RELATION plain DISTRIBUTION KEY id; CREATE UNIQUE INDEX ui1 ON plain COLUMNS (id INT)");
        assertThat(console.answers("ALTER DISTRIBUTION ds1 ALTER RELATION plain SCHEMA sales"))
                .containsExactly("ALTER DISTRIBUTION");
        var snapshot = console.qdb.snapshot();
        var moved = new dev.shardgate.meta.QualifiedName("sales", "plain");
        assertThat(snapshot.relation(new dev.shardgate.meta.QualifiedName("public", "plain"))).isEmpty();
        assertThat(snapshot.relation(moved).orElseThrow().keyColumns()).flatExtracting(c -> c.valueColumns()).containsExactly("id");
        assertThat(snapshot.uniqueIndexes().get("ui1").relation()).isEqualTo(moved);

        console.fails("ALTER DISTRIBUTION ds1 ALTER RELATION plain SCHEMA x", SqlState.UNDEFINED_TABLE,
                "relation \"public.plain\" is not attached to distribution \"ds1\"");
        console.fails("ALTER DISTRIBUTION ds1 ALTER RELATION orders SCHEMA sales", SqlState.FEATURE_NOT_SUPPORTED,
                "cannot change the schema of relation \"public.orders\" because it has AUTO INCREMENT columns");
    }

    @Test
    void moveKeyRangeMetaOnlyOnARouterIsTheMove() {
        assertThat(console.answers("MOVE KEY RANGE kr1 TO sh2 META ONLY")).containsExactly("move key range: move key range kr1 to shard sh2");
        assertThat(console.qdb.snapshot().keyRange("kr1").orElseThrow().shardId()).isEqualTo("sh2");
    }

    @Test
    void alterShardOptionsAddsDropsAndReplacesHosts() {
        assertThat(console.answers("ALTER SHARD sh1 OPTIONS (ADD HOST 'pg1b:5432')")).containsExactly("ALTER SHARD");
        assertThat(console.qdb.snapshot().shard("sh1")).contains(new Shard("sh1", List.of("pg1:5432", "pg1b:5432")));
        console.run("ALTER SHARD sh1 OPTIONS (DROP HOST \"pg1:5432\")");
        assertThat(console.qdb.snapshot().shard("sh1")).contains(new Shard("sh1", List.of("pg1b:5432")));
        console.run("ALTER SHARD sh1 OPTIONS (SET HOST 'pg1c:5432', HOST 'pg1d:5432')");
        assertThat(console.qdb.snapshot().shard("sh1")).contains(new Shard("sh1", List.of("pg1c:5432", "pg1d:5432")));

        console.fails("ALTER SHARD sh1 OPTIONS (DROP HOST 'pg9:5432')", SqlState.UNDEFINED_OBJECT,
                "host \"pg9:5432\" of shard \"sh1\" does not exist");
        console.fails("ALTER SHARD sh9 OPTIONS (ADD HOST 'pg9:5432')", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
    }

    @Test
    void helpListsStatementsOrThoseStartingWithTheWords() {
        ConsoleResult.Rows all = console.show("HELP");
        assertThat(all.columns()).containsExactly("command", "syntax");
        assertThat(all.rows()).extracting(r -> r.getFirst()).contains("CREATE KEY RANGE", "RENAME KEY RANGE", "HELP");

        assertThat(console.rows("help move key range")).containsExactly(
                row("MOVE KEY RANGE", "MOVE KEY RANGE kr TO sh [META ONLY]"));
        assertThat(console.rows("HELP ALTER DISTRIBUTION")).extracting(r -> r.getFirst())
                .contains("ALTER DISTRIBUTION ADD DEFAULT SHARD", "ALTER DISTRIBUTION ALTER RELATION");
        console.fails("HELP FLY", SqlState.UNDEFINED_OBJECT, "no help for \"fly\"");
    }

    @Test
    void syncReferenceTablesIsTheCoordinators() {
        console.fails("SYNC REFERENCE TABLES ON sh1", SqlState.FEATURE_NOT_SUPPORTED,
                "SYNC REFERENCE TABLES is only supported on the coordinator");
    }

    @Test
    void uniqueIndexesAreMetadataShownBySHOWAndFollowTheirRelation() {
        assertThat(console.answers("CREATE UNIQUE INDEX ui1 ON orders COLUMNS (w_id INTEGER, code VARCHAR HASH)"))
                .containsExactly("CREATE UNIQUE INDEX");
        ConsoleResult.Rows shown = console.show("SHOW unique_indexes");
        assertThat(shown.columns()).containsExactly("unique_index_id", "relation_name", "columns", "schema_name");
        assertThat(shown.rows()).containsExactly(row("ui1", "orders", "w_id integer, code varchar hash", "public"));

        console.fails("CREATE UNIQUE INDEX ui1 ON pairs COLUMNS (a VARCHAR)", SqlState.DUPLICATE_OBJECT,
                "unique index \"ui1\" already exists");
        console.fails("CREATE UNIQUE INDEX ui2 ON nothing COLUMNS (a VARCHAR)", SqlState.UNDEFINED_TABLE,
                "relation \"public.nothing\" is not attached to a distribution");
        console.fails("DROP UNIQUE INDEX ui9", SqlState.UNDEFINED_OBJECT, "unique index \"ui9\" does not exist");

        // ALTER RELATION re-attaches the relation and keeps its index; DETACH drops it, as DROP TABLE would
        console.run("ALTER DISTRIBUTION ds1 ALTER RELATION orders DISTRIBUTION KEY id");
        assertThat(console.rows("SHOW unique_indexes")).hasSize(1);
        console.run("ALTER DISTRIBUTION ds1 DETACH RELATION orders");
        assertThat(console.rows("SHOW unique_indexes")).isEmpty();

        console.run("CREATE UNIQUE INDEX ui3 ON pairs COLUMNS (a VARCHAR)");
        assertThat(console.answers("DROP UNIQUE INDEX ui3")).containsExactly("DROP UNIQUE INDEX");
        assertThat(console.qdb.snapshot().uniqueIndexes()).isEmpty();
    }

    @Test
    void statementsAfterARefusedOneChangeNothing() {
        console.fails("ALTER DISTRIBUTION ds1 ADD DEFAULT SHARD sh1; RENAME KEY RANGE kr9 TO x", SqlState.UNDEFINED_OBJECT,
                "key range \"kr9\" does not exist");
        assertThat(console.qdb.snapshot().distribution("ds1").orElseThrow().defaultShard()).isEqualTo(Optional.empty());
    }
}
