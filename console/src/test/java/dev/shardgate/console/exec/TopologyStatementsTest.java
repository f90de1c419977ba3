package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Shards, distributions, distributed relations and reference tables. */
class TopologyStatementsTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @Test
    void createShardStoresItsHosts() {
        assertThat(console.answers("CREATE SHARD sh1 WITH HOSTS 'pg1:5432', 'pg2:6432'")).containsExactly("add shard: shard id -> sh1");
        assertThat(console.answers("CREATE SHARD sh2 OPTIONS (HOST 'pg3:5432')")).containsExactly("add shard: shard id -> sh2");

        assertThat(console.qdb.snapshot().shard("sh1")).contains(new Shard("sh1", List.of("pg1:5432", "pg2:6432")));
        assertThat(console.rows("SHOW shards")).containsExactly(row("sh1", "pg1:5432, pg2:6432"), row("sh2", "pg3:5432"));
    }

    @Test
    void createShardRefusesDuplicatesAndBadHosts() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'");

        console.fails("CREATE SHARD sh1 WITH HOSTS 'pg9:5432'", SqlState.DUPLICATE_OBJECT, "shard \"sh1\" already exists");
        console.fails("CREATE SHARD sh2 WITH HOSTS 'pg2'", SqlState.INVALID_PARAMETER_VALUE,
                "invalid host \"pg2\" for shard \"sh2\": expected host:port with a port from 1 to 65535");
    }

    @Test
    void alterShardAddsAndDropsHostsShownBySHOWShards() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'");

        assertThat(console.answers("ALTER SHARD sh1 ADD HOST 'pg1b:5432', 'pg1c:5432'")).containsExactly("ALTER SHARD");
        assertThat(console.rows("SHOW shards")).containsExactly(row("sh1", "pg1:5432, pg1b:5432, pg1c:5432"));
        assertThat(console.answers("ALTER SHARD sh1 DROP HOST 'pg1:5432'")).containsExactly("ALTER SHARD");
        assertThat(console.qdb.snapshot().shard("sh1")).contains(new Shard("sh1", List.of("pg1b:5432", "pg1c:5432")));
        // one query is one batch: replacing the last host works when the new one comes first
        console.run("ALTER SHARD sh1 DROP HOSTS 'pg1b:5432'; ALTER SHARD sh1 ADD HOST 'pg1d:5432';"
                + " ALTER SHARD sh1 DROP HOST 'pg1c:5432'");
        assertThat(console.rows("SHOW shards WHERE shard_id = 'sh1'")).containsExactly(row("sh1", "pg1d:5432"));
    }

    @Test
    void alterShardErrorsNameShardAndHost() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432', 'pg2:5432'");

        console.fails("ALTER SHARD sh9 ADD HOST 'pg9:5432'", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
        console.fails("ALTER SHARD sh1 ADD HOST 'pg2:5432'", SqlState.DUPLICATE_OBJECT,
                "host \"pg2:5432\" of shard \"sh1\" already exists");
        console.fails("ALTER SHARD sh1 DROP HOST 'pg9:5432'", SqlState.UNDEFINED_OBJECT,
                "host \"pg9:5432\" of shard \"sh1\" does not exist");
        console.fails("ALTER SHARD sh1 ADD HOST 'pg3'", SqlState.INVALID_PARAMETER_VALUE,
                "invalid host \"pg3\" for shard \"sh1\": expected host:port with a port from 1 to 65535");
        console.fails("ALTER SHARD sh1 DROP HOST 'pg1:5432', 'pg2:5432'", SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cannot drop the last host of shard \"sh1\": a shard keeps at least one host;"
                        + " add the new host first, or use DROP SHARD");
        // a refused statement leaves the whole query's batch unapplied
        console.fails("ALTER SHARD sh1 ADD HOST 'pg3:5432'; ALTER SHARD sh1 DROP HOST 'pg9:5432'",
                SqlState.UNDEFINED_OBJECT, "host \"pg9:5432\" of shard \"sh1\" does not exist");
    }

    @Test
    void failoverAndSwitchoverNeedAConsoleThatReachesHosts() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'");
        console.fails("FAILOVER SHARD sh1", SqlState.FEATURE_NOT_SUPPORTED,
                "FAILOVER SHARD is only supported on a router or the coordinator");
        console.fails("SWITCHOVER SHARD sh1", SqlState.FEATURE_NOT_SUPPORTED,
                "SWITCHOVER SHARD is only supported on a router or the coordinator");
    }

    @Test
    void dropShardRefusesWhileKeyRangesUseIt() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE SHARD sh2 WITH HOSTS 'pg2:5432';"
                + "CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.fails("DROP SHARD sh1", SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop shard \"sh1\" because other objects depend on it: key range \"kr1\"");
        console.fails("DROP SHARD sh9", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
        assertThat(console.answers("DROP SHARD sh2")).containsExactly("drop shard: shard id -> sh2");
        assertThat(console.qdb.snapshot().shards().keySet()).containsExactly("sh1");
    }

    @Test
    void createDistributionWithTypesAndDefaultShard() {
        console.run("CREATE SHARD sh0 WITH HOSTS 'pg0:5432'");

        assertThat(console.answers("CREATE DISTRIBUTION ds1 COLUMN TYPES integer, varchar hash DEFAULT SHARD sh0"))
                .containsExactly("add distribution: distribution id -> ds1");
        assertThat(console.answers("CREATE DISTRIBUTION ds2 (uuid)")).containsExactly("add distribution: distribution id -> ds2");

        assertThat(console.qdb.snapshot().distribution("ds1")).contains(
                new Distribution("ds1", List.of(ColumnType.INTEGER, ColumnType.VARCHAR_HASH), Optional.of("sh0")));
        assertThat(console.rows("SHOW distributions")).containsExactly(
                row("ds1", "integer, varchar hash", "sh0"),
                row("ds2", "uuid", null));
    }

    @Test
    void createDistributionErrors() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer");

        console.fails("CREATE DISTRIBUTION ds COLUMN TYPES varchar", SqlState.DUPLICATE_OBJECT,
                "distribution \"ds\" already exists");
        console.fails("CREATE DISTRIBUTION ds2 COLUMN TYPES integer DEFAULT SHARD nowhere", SqlState.UNDEFINED_OBJECT,
                "shard \"nowhere\" does not exist");
    }

    @Test
    void dropDistributionNeedsCascadeWhileItHasKeyRangesOrRelations() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE DISTRIBUTION ds COLUMN TYPES integer;"
                + "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1; ALTER DISTRIBUTION ds ATTACH RELATION orders DISTRIBUTION KEY id");

        console.fails("DROP DISTRIBUTION ds", SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop distribution \"ds\" because other objects depend on it: relation \"public.orders\", "
                        + "key range \"kr1\"; use CASCADE to drop them too");
        console.fails("DROP DISTRIBUTION nope", SqlState.UNDEFINED_OBJECT, "distribution \"nope\" does not exist");

        assertThat(console.answers("DROP DISTRIBUTION ds CASCADE")).containsExactly("drop distribution: distribution id -> ds");
        assertThat(console.qdb.snapshot().distributions()).isEmpty();
        assertThat(console.qdb.snapshot().keyRanges()).isEmpty();
        assertThat(console.qdb.snapshot().relations()).isEmpty();
    }

    @Test
    void dropAllDistributions() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE DISTRIBUTION a COLUMN TYPES integer;"
                + "CREATE DISTRIBUTION b COLUMN TYPES varchar; CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION a");

        console.fails("DROP DISTRIBUTION ALL", SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop distribution \"a\" because other objects depend on it: key range \"kr1\"; "
                        + "use CASCADE to drop them too");
        assertThat(console.qdb.snapshot().distributions().keySet()).as("b survives a refused DROP ALL").contains("b");

        assertThat(console.answers("DROP DISTRIBUTION ALL CASCADE"))
                .containsExactly("drop distribution: distribution id -> a / distribution id -> b");
        assertThat(console.qdb.snapshot().distributions()).isEmpty();
        assertThat(console.answers("DROP DISTRIBUTION ALL")).as("nothing to drop is no error").containsExactly("drop distribution: ");
    }

    @Test
    void attachRelationsWithHashFunctions() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES varchar hash, integer");

        assertThat(console.answers("""
                ALTER DISTRIBUTION ds ATTACH RELATION sales.orders DISTRIBUTION KEY tenant HASH FUNCTION murmur, id,
                                         RELATION items DISTRIBUTION KEY tenant HASH city, order_id""")).containsExactly(
                "attach table: relation name   -> sales.orders / distribution id -> ds"
                        + " / relation name   -> items / distribution id -> ds");

        assertThat(console.qdb.snapshot().relation(new QualifiedName("sales", "orders"))).contains(new DistributedRelation(
                new QualifiedName("sales", "orders"), "ds",
                List.of(new DistributionKeyColumn("tenant", HashFunction.MURMUR), DistributionKeyColumn.of("id"))));
        assertThat(console.rows("SHOW relations")).containsExactly(
                row("items", "ds", "tenant hash city, order_id", "public"),
                row("orders", "ds", "tenant hash murmur, id", "sales"));
    }

    @Test
    void attachRelationErrors() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer hash; ALTER DISTRIBUTION ds ATTACH RELATION t DISTRIBUTION KEY id HASH murmur");

        console.fails("ALTER DISTRIBUTION ds ATTACH RELATION u DISTRIBUTION KEY id HASH FUNCTION md5",
                SqlState.INVALID_PARAMETER_VALUE, "hash function \"md5\" does not exist (expected ident, murmur or city)");
        console.fails("ALTER DISTRIBUTION ds ATTACH RELATION u DISTRIBUTION KEY id", SqlState.INVALID_TABLE_DEFINITION,
                "column \"id\" of relation \"public.u\" needs hash function murmur or city: column 1 of distribution \"ds\" is integer hash");
        console.fails("ALTER DISTRIBUTION ds ATTACH RELATION u DISTRIBUTION KEY a HASH murmur, b", SqlState.INVALID_TABLE_DEFINITION,
                "relation \"public.u\" has 2 distribution key columns but distribution \"ds\" has 1 column type");
        console.fails("ALTER DISTRIBUTION ds ATTACH RELATION public.t DISTRIBUTION KEY id HASH murmur", SqlState.DUPLICATE_OBJECT,
                "relation \"public.t\" is already attached to distribution \"ds\"");
        console.fails("ALTER DISTRIBUTION nope ATTACH RELATION u DISTRIBUTION KEY id", SqlState.UNDEFINED_OBJECT,
                "distribution \"nope\" does not exist");
    }

    @Test
    void olderCreateRelationFormUsesTheOnlyDistribution() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer");
        assertThat(console.answers("CREATE DISTRIBUTED RELATION r (id)"))
                .containsExactly("attach table: relation name   -> r / distribution id -> ds");
        assertThat(console.qdb.snapshot().relation(QualifiedName.of("r")).orElseThrow().distributionId()).isEqualTo("ds");

        console.run("CREATE DISTRIBUTION other COLUMN TYPES integer");
        console.fails("CREATE RELATION s (id)", SqlState.INVALID_OBJECT_DEFINITION,
                "distribution must be specified: there are 2 distributions");
        assertThat(console.answers("CREATE RELATION s (id) IN other"))
                .containsExactly("attach table: relation name   -> s / distribution id -> other");
    }

    @Test
    void detachRelationChecksTheDistributionNamed() {
        console.run("CREATE DISTRIBUTION a COLUMN TYPES integer; CREATE DISTRIBUTION b COLUMN TYPES integer;"
                + "ALTER DISTRIBUTION a ATTACH RELATION t DISTRIBUTION KEY id");

        console.fails("ALTER DISTRIBUTION b DETACH RELATION t", SqlState.UNDEFINED_TABLE,
                "relation \"public.t\" is attached to distribution \"a\", not \"b\"");
        console.fails("ALTER DISTRIBUTION c DETACH RELATION t", SqlState.UNDEFINED_OBJECT, "distribution \"c\" does not exist");
        console.fails("ALTER DISTRIBUTION a DETACH RELATION u", SqlState.UNDEFINED_TABLE,
                "relation \"public.u\" is not attached to any distribution");

        assertThat(console.answers("ALTER DISTRIBUTION a DETACH TABLE public.t"))
                .containsExactly("detach relation: relation name   -> t / distribution id -> a");
        assertThat(console.qdb.snapshot().relations()).isEmpty();
    }

    @Test
    void referenceTables() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE SHARD sh2 WITH HOSTS 'pg2:5432'");

        assertThat(console.answers("CREATE REFERENCE TABLE tax_rates; CREATE REFERENCE RELATION geo.countries ON sh1, sh2"))
                .containsExactly("create reference table: table    -> tax_rates / shard id -> sh1,sh2",
                        "create reference table: table    -> geo.countries / shard id -> sh1,sh2");
        assertThat(console.qdb.snapshot().referenceRelation(new QualifiedName("geo", "countries")))
                .contains(new ReferenceRelation(new QualifiedName("geo", "countries"), List.of("sh1", "sh2")));
        assertThat(console.rows("SHOW reference_relations")).containsExactly(
                row("countries", "sh1, sh2", "geo"),
                row("tax_rates", "all", "public"));

        console.fails("CREATE REFERENCE TABLE tax_rates", SqlState.DUPLICATE_OBJECT,
                "relation \"public.tax_rates\" is already a reference relation");
        console.fails("CREATE REFERENCE TABLE x ON sh9", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
        console.fails("DROP REFERENCE TABLE nope", SqlState.UNDEFINED_TABLE, "reference relation \"public.nope\" does not exist");

        assertThat(console.answers("DROP REFERENCE TABLE public.tax_rates"))
                .containsExactly("drop reference relation: relation -> tax_rates");
        assertThat(console.qdb.snapshot().referenceRelations().keySet())
                .containsExactly(new QualifiedName("geo", "countries"));
    }
}
