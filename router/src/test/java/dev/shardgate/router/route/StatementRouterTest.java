package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementRouterTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);
    /** accounts(id) and orders(account_id) by integer: [0, 100) on sh1, [100, ∞) on sh2; users by varchar. */
    private static final Metadata METADATA = Metadata.empty().apply(List.of(
            new MetadataChange.CreateShard(new Shard("sh1", List.of("h1:5432"))),
            new MetadataChange.CreateShard(new Shard("sh2", List.of("h2:5432"))),
            new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER))),
            new MetadataChange.CreateDistribution(new Distribution("ds2", List.of(ColumnType.VARCHAR))),
            new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("accounts"), "ds1",
                    List.of(DistributionKeyColumn.of("id")))),
            new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("orders"), "ds1",
                    List.of(DistributionKeyColumn.of("account_id")))),
            new MetadataChange.AttachRelation(new DistributedRelation(new QualifiedName("app", "users"), "ds2",
                    List.of(new DistributionKeyColumn("login", HashFunction.IDENT)))),
            new MetadataChange.CreateKeyRange(new KeyRange("kr1", bound(0), "sh1", "ds1")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr2", bound(100), "sh2", "ds1")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr3", new Distribution("ds2", List.of(ColumnType.VARCHAR))
                    .parseBound(List.of("a")), "sh1", "ds2")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr4", new Distribution("ds2", List.of(ColumnType.VARCHAR))
                    .parseBound(List.of("m")), "sh2", "ds2"))));

    private static KeyBound bound(long value) {
        return new Distribution("x", List.of(ColumnType.INTEGER)).parseBound(List.of(Long.toString(value)));
    }

    private static Route route(String sql) {
        return route(sql, null);
    }

    private static Route route(String sql, BoundValues bound) {
        Analysis analysis = ANALYZER.analyze(sql);
        assertThat(analysis.isParsed()).as(analysis.parseError()).isTrue();
        return QueryStringRoute.of(analysis.statements(), analysis.statements().stream()
                .map(s -> StatementRouter.route(METADATA, s, bound)).toList(), missing -> missing);
    }

    private static void assertRoutedTo(String shard, String sql) {
        assertThat(route(sql)).as(sql).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo(shard));
    }

    private static void assertNoKey(String sql) {
        assertThat(route(sql)).as(sql).isInstanceOf(Route.NoKey.class);
    }

    @Test
    void equalityOnTheKeyPicksTheRangeOwner() {
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id = 5");
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id = 99");
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id = 100");
        assertRoutedTo("sh2", "UPDATE accounts SET balance = 0 WHERE id = 12345");
        assertRoutedTo("sh1", "DELETE FROM accounts WHERE id = 0");
        assertRoutedTo("sh2", "SELECT * FROM public.accounts a WHERE a.id = 500::bigint");
    }

    @Test
    void insertRowsRouteByTheirKeyColumn() {
        assertRoutedTo("sh2", "INSERT INTO accounts (id, balance) VALUES (150, 1)");
        assertRoutedTo("sh1", "INSERT INTO accounts (balance, id) VALUES (1, 3), (2, 4) RETURNING id");
        assertThat(route("INSERT INTO accounts (id) VALUES (1), (200)")).isInstanceOf(Route.ManyShards.class);
        assertRoutedTo("sh1", "INSERT INTO accounts (id, balance) SELECT 7, 1");
    }

    @Test
    void newRowsWhoseKeyTheRouterCannotSeeAreRefused() {
        for (String sql : List.of(
                "INSERT INTO accounts VALUES (1, 2)",
                "INSERT INTO accounts (id, balance) SELECT id, 0 FROM accounts WHERE id = 5",
                "INSERT INTO accounts (balance) VALUES (1)",
                "INSERT INTO accounts (id) VALUES (DEFAULT)",
                "INSERT INTO accounts (id) VALUES (5), (random()::int)",
                "INSERT INTO accounts (id) VALUES ((SELECT 5))",
                "INSERT INTO accounts (id) VALUES (NULL)",
                "INSERT INTO accounts DEFAULT VALUES",
                "WITH i AS (INSERT INTO accounts (id) SELECT g FROM generate_series(1, 3) g RETURNING id) SELECT * FROM i",
                "EXPLAIN ANALYZE INSERT INTO accounts SELECT 1",
                "COPY (INSERT INTO accounts SELECT 1 RETURNING id) TO STDOUT",
                "MERGE INTO accounts a USING orders o ON a.id = o.account_id WHEN NOT MATCHED THEN INSERT (id) VALUES (o.account_id)",
                "PREPARE p AS INSERT INTO accounts (id) VALUES ($1)",
                "CREATE TABLE accounts AS SELECT 1 AS id",
                "SELECT 1 AS id INTO accounts",
                "COPY accounts FROM '/tmp/accounts.csv'",
                "COPY accounts FROM PROGRAM 'cat /tmp/accounts.csv'")) {
            assertThatThrownBy(() -> route(sql)).as(sql).isInstanceOfSatisfying(PgException.class,
                    e -> assertThat(e.sqlState().code()).isEqualTo("0A000"));
        }
        assertThat(route("EXPLAIN INSERT INTO accounts SELECT 1")).isInstanceOf(Route.NoKey.class); // plans, writes nothing
        assertThat(route("CREATE TABLE accounts AS SELECT 1 AS id WITH NO DATA")).isInstanceOf(Route.EveryShard.class);
    }

    @Test
    void newRowsMustBeOnTheOneShardTheStatementRunsOn() {
        for (String sql : List.of(
                "WITH a AS (INSERT INTO accounts (id) VALUES (1)) INSERT INTO accounts (id) VALUES (200)",
                "WITH a AS (INSERT INTO accounts (id) VALUES (1) RETURNING id) SELECT * FROM a, orders WHERE orders.account_id = 200",
                "INSERT INTO accounts (id, balance) SELECT 5, count(*) FROM orders")) {
            assertThatThrownBy(() -> route(sql)).as(sql).isInstanceOfSatisfying(PgException.class,
                    e -> assertThat(e.getMessage()).contains("must run on their shard alone"));
        }
        assertRoutedTo("sh1", "WITH a AS (INSERT INTO accounts (id) VALUES (1) RETURNING id) SELECT * FROM a");
    }

    @Test
    void assigningTheDistributionKeyIsRefusedAtAnyDepth() {
        for (String sql : List.of(
                "UPDATE accounts SET id = balance WHERE id = 5",
                "UPDATE accounts SET (balance, id) = (1, 2) WHERE id = 5",
                "UPDATE accounts SET (balance, id) = (SELECT 1, 2) WHERE id = 5",
                "INSERT INTO accounts (id) VALUES (5) ON CONFLICT (id) DO UPDATE SET id = excluded.id + 1000",
                "WITH u AS (UPDATE accounts SET id = 7 WHERE id = 5 RETURNING *) SELECT * FROM u",
                "MERGE INTO accounts a USING orders o ON a.id = o.account_id WHEN MATCHED THEN UPDATE SET id = 3")) {
            assertThatThrownBy(() -> route(sql)).as(sql).isInstanceOfSatisfying(PgException.class, e -> {
                assertThat(e.sqlState().code()).isEqualTo("0A000");
                assertThat(e.getMessage()).startsWith("updating the distribution key column \"id\" of relation \"accounts\" is not supported");
            });
        }
        assertRoutedTo("sh1", "UPDATE accounts SET balance = 1 WHERE id = 5");
        assertRoutedTo("sh1", "INSERT INTO accounts (id) VALUES (5) ON CONFLICT (id) DO UPDATE SET balance = 0");
    }

    @Test
    void anUpdateOfTheKeyStaysOnItsShardOrMovesItsRowsToTheNewKeysShard() {
        assertRoutedTo("sh1", "UPDATE accounts SET id = 7 WHERE id = 5");
        assertRoutedTo("sh1", "UPDATE accounts SET id = id + 2 WHERE id = 5");
        assertRoutedTo("sh1", "UPDATE accounts SET id = id - 2, balance = 0 WHERE id IN (5, 6)");
        for (String sql : List.of("UPDATE accounts SET id = 150 WHERE id = 5", "UPDATE accounts SET id = '150' WHERE id = 5",
                "UPDATE accounts SET id = id + 145 WHERE id = 5")) {
            assertThat(route(sql)).as(sql).isInstanceOfSatisfying(Route.ManyShards.class, many -> {
                assertThat(many.move()).isEqualTo(new Route.RowMove("sh1", "sh2"));
                assertThat(many.shards()).containsExactly("sh1", "sh2");
            });
        }
        // the rows are on several shards, or would go to several
        for (String sql : List.of("UPDATE accounts SET id = 150 WHERE id IN (5, 150)",
                "UPDATE accounts SET id = id + 90 WHERE id IN (5, 50)", "UPDATE accounts SET id = 5 WHERE balance = 0")) {
            assertThatThrownBy(() -> route(sql)).as(sql).isInstanceOfSatisfying(PgException.class,
                    e -> assertThat(e.sqlState().code()).isEqualTo("0A000"));
        }
    }

    @Test
    void numericConstantsMeetAnIntegerKeyAsPostgresqlMakesThem() {
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id = 1e3");
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id = 1000.0");
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id = 99.5::int");
        assertThat(route("SELECT * FROM accounts WHERE id = 1000.5")).isInstanceOf(Route.AnyShard.class);
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id IN (1000.5, 5)");
        // assignment rounds: numeric half away from zero, float half to even
        assertRoutedTo("sh2", "INSERT INTO accounts (id) VALUES (99.5)");
        assertRoutedTo("sh1", "INSERT INTO accounts (id) VALUES (99.4)");
        assertRoutedTo("sh2", "INSERT INTO accounts (id) VALUES (99.5::float8)"); // rint: 100, even
    }

    @Test
    void inListOnOneShardIsOneShardAndAcrossShardsIsMany() {
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id IN (1, 2, 3)");
        assertThat(route("SELECT * FROM accounts WHERE id IN (1, 200)")).isInstanceOfSatisfying(Route.ManyShards.class,
                r -> assertThat(r.shards()).containsExactly("sh1", "sh2"));
    }

    @Test
    void joinEqualityCarriesTheKeyToTheOtherRelation() {
        assertRoutedTo("sh2", "SELECT * FROM accounts a JOIN orders o ON o.account_id = a.id WHERE a.id = 150");
    }

    @Test
    void neverAWrongShard() {
        assertNoKey("SELECT * FROM accounts WHERE id = 5 OR balance = 500");
        assertNoKey("SELECT * FROM accounts WHERE id > 5 OR balance > 5");
        assertNoKey("SELECT * FROM accounts WHERE abs(id) = 5");
        assertNoKey("SELECT * FROM accounts");
        assertNoKey("SELECT * FROM accounts a, orders o WHERE a.id = 5");
    }

    @Test
    void statementsWithoutDistributedRelationsRunAnywhere() {
        assertThat(route("SELECT 1")).isInstanceOf(Route.AnyShard.class);
        assertThat(route("SELECT * FROM pg_class WHERE oid = 5")).isInstanceOf(Route.AnyShard.class);
    }

    @Test
    void boundParametersInTextAndBinary() {
        byte[] text = "150".getBytes(StandardCharsets.UTF_8);
        Route r1 = route("SELECT * FROM accounts WHERE id = $1", new BoundValues(new int[] {23}, new short[] {0}, new byte[][] {text}));
        assertThat(r1).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh2"));
        byte[] int4 = ByteBuffer.allocate(4).putInt(7).array();
        Route r2 = route("SELECT * FROM accounts WHERE id = $1", new BoundValues(new int[] {23}, new short[] {1}, new byte[][] {int4}));
        assertThat(r2).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh1"));
        byte[] int8 = ByteBuffer.allocate(8).putLong(1_000_000L).array();
        Route r3 = route("UPDATE accounts SET balance = $2 WHERE id = $1",
                new BoundValues(new int[] {20, 0}, new short[] {1, 0}, new byte[][] {int8, "5".getBytes()}));
        assertThat(r3).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh2"));
        assertThat(route("SELECT * FROM accounts WHERE id = $1", null)).isInstanceOf(Route.NoKey.class);
    }

    @Test
    void varcharKeysCompareBytewise() {
        assertRoutedTo("sh1", "SELECT * FROM app.users WHERE login = 'alice'");
        assertRoutedTo("sh2", "SELECT * FROM app.users WHERE login = 'zoe'");
        assertRoutedTo("sh2", "SELECT * FROM app.users WHERE login = 'm'");
    }

    @Test
    void keyBelowEveryRangeMatchesNoRowAndCannotBeInserted() {
        assertThat(route("SELECT * FROM accounts WHERE id = -5")).isInstanceOfSatisfying(Route.AnyShard.class,
                any -> assertThat(any.reason()).contains("no key range holds accounts.id = -5"));
        assertThat(route("DELETE FROM accounts WHERE id = -5")).isInstanceOf(Route.AnyShard.class);
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id IN (-5, 500)");
        assertThatThrownBy(() -> route("INSERT INTO accounts (id) VALUES (-5)"))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState().code()).isEqualTo("23514");
                    assertThat(e.getMessage()).isEqualTo("no key range of relation \"public.accounts\" found for row");
                });
    }

    @Test
    void aKeyOfTheWrongTypeIsTheClientsError() {
        assertThatThrownBy(() -> route("SELECT * FROM accounts WHERE id = 'abc'"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("22P02"));
    }

    @Test
    void hintedKeyRoutesWithoutSql() {
        assertThat(StatementRouter.routeHintedKey(METADATA, "ds1", "150"))
                .isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh2"));
    }

    @Test
    void lockedRangeIsReportedForWaiting() {
        Metadata locked = METADATA.apply(new MetadataChange.LockKeyRange("kr2"));
        var statement = ANALYZER.analyze("SELECT * FROM accounts WHERE id = 150").statements().getFirst();
        assertThatThrownBy(() -> StatementRouter.route(locked, statement, null))
                .isInstanceOfSatisfying(KeyRangeLocked.class, e -> assertThat(e.keyRangeId()).isEqualTo("kr2"));
    }

    private static void assertWithin(String sql, String... shards) {
        assertThat(route(sql)).as(sql).isInstanceOfSatisfying(Route.NoKey.class,
                r -> assertThat(r.within()).as(sql).containsExactly(shards));
    }

    @Test
    void rangesOfIntegerKeysGoToTheRangesTheyMeet() {
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id BETWEEN 10 AND 99");
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id >= 0 AND id < 100");
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id <= 99.5 AND id > -3");
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id > 99");
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE 99.5 < id");
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id = 150 OR id > 1000");
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE id < 10 OR id BETWEEN 40 AND 50 OR id = ANY(ARRAY[60, 70])");
        assertWithin("SELECT * FROM accounts WHERE id BETWEEN 50 AND 150", "sh1", "sh2");
        assertWithin("SELECT * FROM accounts WHERE id <= 100", "sh1", "sh2");
        assertWithin("SELECT * FROM accounts WHERE id < 5 OR id > 500", "sh1", "sh2");
        assertThat(route("SELECT * FROM accounts WHERE id BETWEEN 150 AND 160").reason())
                .isEqualTo("accounts.id in [150, 160] → kr2 (sh2)");
    }

    @Test
    void andedRangesIntersect() {
        assertRoutedTo("sh2", "SELECT * FROM accounts WHERE id > 50 AND id > 120");
        assertRoutedTo("sh1", "SELECT * FROM accounts WHERE (id < 10 OR id > 500) AND id BETWEEN 0 AND 20");
        assertRoutedTo("sh2", "SELECT * FROM accounts a JOIN orders o ON o.account_id = a.id WHERE a.id > 200");
        assertThat(route("SELECT * FROM accounts WHERE id > 50 AND id < 20")).isInstanceOf(Route.AnyShard.class);
        assertThat(route("SELECT * FROM accounts WHERE id < -1")).isInstanceOf(Route.AnyShard.class);
        assertThat(route("SELECT * FROM accounts WHERE id < NULL")).isInstanceOf(Route.AnyShard.class);
    }

    @Test
    void boundParametersAreRangeEnds() {
        byte[] low = ByteBuffer.allocate(4).putInt(120).array();
        Route r = route("SELECT * FROM accounts WHERE id BETWEEN $1 AND $2",
                new BoundValues(new int[] {23, 0}, new short[] {1, 0}, new byte[][] {low, "130".getBytes(StandardCharsets.UTF_8)}));
        assertThat(r).isInstanceOfSatisfying(Route.OneShard.class, one -> assertThat(one.shard()).isEqualTo("sh2"));
        assertThat(route("SELECT * FROM accounts WHERE id BETWEEN $1 AND $2")).isInstanceOfSatisfying(Route.NoKey.class,
                missing -> assertThat(missing.within()).isNull());
    }

    @Test
    void rangesThatMayNotFollowTheKeyOrderAreNotRouted() {
        assertThat(route("SELECT * FROM app.users WHERE login BETWEEN 'b' AND 'c'")).isInstanceOfSatisfying(Route.NoKey.class,
                missing -> {
                    assertThat(missing.within()).isNull();
                    assertThat(missing.reason()).contains("collation");
                });
        assertRoutedTo("sh1", "SELECT * FROM app.users WHERE login = 'b' OR login IN ('c', 'd')");
        assertThat(route("SELECT * FROM accounts WHERE id < 'abc'")).isInstanceOf(Route.NoKey.class);
        assertThat(route("SELECT * FROM accounts WHERE id < '5.5'")).isInstanceOf(Route.NoKey.class);
    }

    @Test
    void aLockedRangeAStatementsRangeMeetsIsReportedForWaiting() {
        Metadata locked = METADATA.apply(new MetadataChange.LockKeyRange("kr2"));
        var statement = ANALYZER.analyze("SELECT * FROM accounts WHERE id > 50").statements().getFirst();
        assertThatThrownBy(() -> StatementRouter.route(locked, statement, null))
                .isInstanceOfSatisfying(KeyRangeLocked.class, e -> assertThat(e.keyRangeId()).isEqualTo("kr2"));
        var below = ANALYZER.analyze("SELECT * FROM accounts WHERE id < 50").statements().getFirst();
        assertThat(StatementRouter.route(locked, below, null)).isInstanceOf(Route.OneShard.class);
    }
}
