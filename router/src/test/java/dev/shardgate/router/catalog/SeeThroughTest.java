package dev.shardgate.router.catalog;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import dev.shardgate.router.route.Route;
import dev.shardgate.sql.FunctionRef;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.PgException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the router makes of views and functions over distributed relations, from what a catalog says. */
class SeeThroughTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);
    private static final Metadata METADATA = Metadata.empty().apply(List.of(
            new MetadataChange.CreateShard(new Shard("sh1", List.of("h1:5432"))),
            new MetadataChange.CreateShard(new Shard("sh2", List.of("h2:5432"))),
            new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER))),
            new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("orders"), "ds1",
                    List.of(DistributionKeyColumn.of("id")))),
            new MetadataChange.CreateKeyRange(new KeyRange("kr1", bound(0), "sh1", "ds1")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr2", bound(100), "sh2", "ds1"))));

    private static KeyBound bound(long value) {
        return new Distribution("x", List.of(ColumnType.INTEGER)).parseBound(List.of(Long.toString(value)));
    }

    /** A catalog in memory, counting the questions it is asked. */
    private static final class FakeCatalog implements Catalog {
        final Map<String, RelationInfo> relations = new HashMap<>();
        final Map<String, List<FunctionInfo>> functions = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        FakeCatalog view(String name, String definition) {
            relations.put(name, new RelationInfo("public", name, 'v', definition));
            return this;
        }

        FakeCatalog function(String name, String language, String source) {
            functions.put(name, List.of(new FunctionInfo("public", name, language, source, false)));
            return this;
        }

        /** An SQL function whose definition the catalog gave, so that a copy of it can be made; {@code unspliceable} as pg_proc says. */
        FakeCatalog sqlFunction(String name, String source, String unspliceable) {
            functions.put(name, List.of(new FunctionInfo("public", name, "sql", source, false,
                    "() RETURNS bigint LANGUAGE sql STABLE", unspliceable)));
            return this;
        }

        @Override
        public Optional<RelationInfo> relation(TableRef table) {
            asked.add(table.name());
            return Optional.ofNullable(relations.get(table.name()));
        }

        @Override
        public List<FunctionInfo> functions(FunctionRef function) {
            asked.add(function.name() + "()");
            return functions.getOrDefault(function.name(),
                    List.of(new FunctionInfo("pg_catalog", function.name(), "internal", null, false)));
        }

        @Override
        public List<String> columns(TableRef table) {
            asked.add(table.name() + "(columns)");
            return List.of();
        }
    }

    private static Route route(FakeCatalog catalog, String sql, Route routed) {
        Statement statement = ANALYZER.analyze(sql).statements().getFirst();
        return new SeeThrough(METADATA, ANALYZER, catalog).route(statement, routed);
    }

    private static final Route ANY = new Route.AnyShard("no distributed relation");

    @Test
    void aFilteringViewIsItsRelationWithoutKey() {
        FakeCatalog catalog = new FakeCatalog().view("big", "SELECT id, amount * 2 AS d FROM orders WHERE amount > 1;")
                .view("bigger", "SELECT id FROM big WHERE d > 10");
        assertThat(route(catalog, "SELECT count(*) FROM bigger", ANY)).isInstanceOfSatisfying(Route.NoKey.class,
                noKey -> assertThat(noKey.relation()).isEqualTo("public.orders"));
    }

    @Test
    void aViewShowingTheKeyUnchangedIsRoutedByIt() {
        FakeCatalog catalog = new FakeCatalog().view("big", "SELECT orders.id AS order_id, amount FROM orders WHERE amount > 1;")
                .view("bigger", "SELECT big.order_id, big.amount FROM big WHERE amount > 10")
                .view("hidden", "SELECT id + 0 AS id FROM orders");
        assertThat(route(catalog, "SELECT * FROM bigger WHERE order_id = 150", ANY)).isInstanceOfSatisfying(Route.OneShard.class,
                one -> assertThat(one.shard()).isEqualTo("sh2"));
        assertThat(route(catalog, "SELECT * FROM big WHERE order_id IN (1, 150)", ANY)).isInstanceOf(Route.ManyShards.class);
        assertThat(route(catalog, "SELECT * FROM hidden WHERE id = 150", ANY)).isInstanceOf(Route.NoKey.class);
        assertThat(route(catalog, "SELECT * FROM big b JOIN big c ON c.amount = b.amount WHERE b.order_id = 1", ANY))
                .as("every use must be pinned").isInstanceOf(Route.NoKey.class);
    }

    @Test
    void rowsAreNotInsertedThroughAView() {
        FakeCatalog catalog = new FakeCatalog().view("big", "SELECT id, amount FROM orders WHERE amount > 1");
        assertThatThrownBy(() -> route(catalog, "INSERT INTO big (id, amount) VALUES (1, 2)", ANY))
                .hasMessageContaining("INSERT into view big");
        assertThat(route(catalog, "UPDATE big SET amount = 3", ANY)).isInstanceOf(Route.NoKey.class);
    }

    @Test
    void otherViewsOverDistributedRelationsAreRefusedByName() {
        FakeCatalog catalog = new FakeCatalog()
                .view("totals", "SELECT sum(amount) FROM orders")
                .view("self_join", "SELECT a.id FROM orders a JOIN orders b ON a.id = b.id")
                .view("limited", "SELECT id FROM orders LIMIT 3")
                .view("with_table", "SELECT o.id FROM orders o JOIN plain p ON p.id = o.id");
        for (String view : List.of("totals", "self_join", "limited", "with_table")) {
            assertThatThrownBy(() -> route(catalog, "SELECT * FROM " + view, ANY)).as(view)
                    .isInstanceOf(PgException.class).hasMessageContaining("view " + view);
        }
    }

    @Test
    void functionsAreReadOnlyWhenTheStatementTouchesNoDistributedRelation() {
        FakeCatalog catalog = new FakeCatalog().function("count_orders", "sql", "SELECT count(*) FROM orders")
                .function("twice", "sql", "SELECT $1 * 2").function("pl", "plpgsql", null);
        assertThatThrownBy(() -> route(catalog, "SELECT count_orders()", ANY))
                .hasMessageContaining("function public.count_orders").hasMessageContaining("orders");
        assertThatThrownBy(() -> route(catalog, "SELECT pl()", ANY)).hasMessageContaining("written in plpgsql");
        assertThat(route(catalog, "SELECT twice(2), lower('A')", ANY)).isSameAs(ANY);
    }

    @Test
    void aSelectCallingSqlFunctionsThatReadOtherShardsIsFinishedWithCopiesOfThem() {
        FakeCatalog catalog = new FakeCatalog().sqlFunction("count_orders", "SELECT count(*) FROM orders", null)
                .sqlFunction("calls_count", "SELECT count_orders() + 1", null)
                .sqlFunction("with_path", "SELECT count(*) FROM orders", "it sets search_path=app while it runs");
        Route keyed = new Route.OneShard("sh1", "key");
        assertThat(route(catalog, "SELECT id, calls_count() FROM orders WHERE id = 1", keyed))
                .isInstanceOfSatisfying(Route.Finished.class, finished -> {
                    assertThat(finished.shards()).containsExactly("sh1");
                    assertThat(finished.functions()).extracting(f -> f.name()).containsExactly("calls_count", "count_orders");
                    assertThat(finished.reason()).contains("functions public.calls_count, public.count_orders read");
                });
        assertThat(route(catalog, "SELECT count_orders()", ANY)).isInstanceOfSatisfying(Route.Finished.class,
                finished -> assertThat(finished.shards()).containsExactly("sh1", "sh2"));
        assertThatThrownBy(() -> route(catalog, "UPDATE orders SET amount = count_orders() WHERE id = 1", keyed))
                .hasMessageContaining("function public.count_orders");
        assertThatThrownBy(() -> route(catalog, "SELECT with_path()", ANY))
                .hasMessageContaining("function public.with_path").hasMessageContaining("search_path=app");
    }

    @Test
    void aKeyedStatementMayNotCallAFunctionThatReadsOtherShards() {
        FakeCatalog catalog = new FakeCatalog().function("count_orders", "sql", "SELECT count(*) FROM orders")
                .function("calls_count", "sql", "SELECT count_orders() + $1")
                .function("twice", "sql", "SELECT $1 * 2").function("pl", "plpgsql", null);
        Route keyed = new Route.OneShard("sh1", "key");
        assertThatThrownBy(() -> route(catalog, "SELECT id, count_orders() FROM orders WHERE id = 1", keyed))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState().code()).isEqualTo("0A000");
                    assertThat(e.hint()).contains("/*__spqr__execute_on: <shard>*/");
                })
                .hasMessageContaining("function public.count_orders");
        assertThatThrownBy(() -> route(catalog, "UPDATE orders SET amount = calls_count(1) WHERE id = 1", keyed))
                .hasMessageContaining("function public.calls_count");
        assertThatThrownBy(() -> route(catalog, "SELECT pl() FROM orders WHERE id = 1", keyed))
                .hasMessageContaining("written in plpgsql");
        Route both = new Route.ManyShards(new java.util.TreeSet<>(List.of("sh1", "sh2")), "keys");
        assertThatThrownBy(() -> route(catalog, "DELETE FROM orders WHERE id IN (1, 150) AND amount < count_orders()", both))
                .hasMessageContaining("function public.count_orders");
        assertThat(route(catalog, "SELECT twice(amount) FROM orders WHERE id = 1", keyed)).isSameAs(keyed);
        catalog.asked.clear();
        assertThat(route(catalog, "SELECT count(*), lower(note), pg_catalog.abs(amount) FROM orders WHERE id = 1", keyed))
                .isSameAs(keyed);
        assertThat(catalog.asked).as("built-ins in a keyed statement ask no catalog").isEmpty();
    }

    @Test
    void statementsNamingOnlyKnownRelationsAskNoCatalog() {
        FakeCatalog catalog = new FakeCatalog();
        Route keyed = new Route.OneShard("sh1", "key");
        route(catalog, "SELECT * FROM orders WHERE id = 1", keyed);
        route(catalog, "SELECT * FROM pg_catalog.pg_class", ANY);
        assertThat(catalog.asked).isEmpty();
    }

    @Test
    void theCacheAnswersUntilDdlClearsIt() {
        FakeCatalog shard = new FakeCatalog().view("big", "SELECT id FROM orders WHERE id > 1");
        CatalogCache cache = new CatalogCache(Duration.ofMinutes(1));
        Catalog cached = cache.over(() -> "public", shard);
        TableRef big = new TableRef(null, "big", null);
        cached.relation(big);
        cached.relation(big);
        assertThat(shard.asked).containsExactly("big");
        cache.invalidate();
        cached.relation(big);
        assertThat(shard.asked).containsExactly("big", "big");
        cache.over(() -> "other, public", shard).relation(big);
        assertThat(shard.asked).as("another search_path may name another relation").hasSize(3);
    }

    @Test
    void withReferenceRelationsOnlyAFunctionThatMayWriteOneIsRefusedUnlessEveryCopyRunsIt() {
        Metadata referencesOnly = Metadata.empty().apply(List.of(
                new MetadataChange.CreateShard(new Shard("sh1", List.of("h1:5432"))),
                new MetadataChange.CreateShard(new Shard("sh2", List.of("h2:5432"))),
                new MetadataChange.CreateReferenceRelation(new dev.shardgate.meta.ReferenceRelation(QualifiedName.of("settings"),
                        List.of("sh1", "sh2")))));
        FakeCatalog catalog = new FakeCatalog().function("bump", "sql", "UPDATE settings SET v = v + 1 RETURNING v")
                .function("outer_bump", "sql", "SELECT bump()").function("pl", "plpgsql", null)
                .function("reads", "sql", "SELECT v FROM settings");
        SeeThrough seeThrough = new SeeThrough(referencesOnly, ANALYZER, catalog);
        for (String sql : List.of("SELECT bump()", "SELECT outer_bump()", "SELECT pl()")) {
            Statement statement = ANALYZER.analyze(sql).statements().getFirst();
            assertThatThrownBy(() -> seeThrough.route(statement, ANY)).as(sql).isInstanceOf(PgException.class)
                    .hasMessageContaining("may write reference relations and would change one copy only");
        }
        Statement keyed = ANALYZER.analyze("SELECT bump()").statements().getFirst();
        assertThatThrownBy(() -> seeThrough.route(keyed, new Route.OneShard("sh1", () -> "hint")))
                .hasMessageContaining("it writes reference relation settings");
        Route every = new Route.EveryShard(new java.util.TreeSet<>(List.of("sh1", "sh2")), "reference write");
        Statement write = ANALYZER.analyze("INSERT INTO settings VALUES ('b', bump())").statements().getFirst();
        assertThat(seeThrough.route(write, every)).isSameAs(every);
        Statement read = ANALYZER.analyze("SELECT reads(), pl() FROM settings").statements().getFirst();
        assertThat(seeThrough.route(read, new Route.OneShard("sh1", () -> "keyed"))).isInstanceOf(Route.OneShard.class);
    }
}
