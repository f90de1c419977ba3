package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A query string of several statements runs whole on one shard, or is refused: never answers for one shard. */
class QueryStringRouteTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);
    /** accounts(id) by integer: [0, 100) on sh1, [100, ∞) on sh2. */
    private static final Metadata METADATA = Metadata.empty().apply(List.of(
            new MetadataChange.CreateShard(new Shard("sh1", List.of("h1:5432"))),
            new MetadataChange.CreateShard(new Shard("sh2", List.of("h2:5432"))),
            new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER))),
            new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("accounts"), "ds1",
                    List.of(DistributionKeyColumn.of("id")))),
            new MetadataChange.CreateKeyRange(new KeyRange("kr1", bound(0), "sh1", "ds1")),
            new MetadataChange.CreateKeyRange(new KeyRange("kr2", bound(100), "sh2", "ds1"))));

    private static dev.shardgate.meta.KeyBound bound(long value) {
        return new Distribution("x", List.of(ColumnType.INTEGER)).parseBound(List.of(Long.toString(value)));
    }

    /** BLOCK: a statement without key is refused, as it is alone. */
    private static final Function<Route.NoKey, Route> BLOCK = missing -> {
        throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "no sharding key found for relation " + missing.relation());
    };
    /** ALLOW, distribution without default shard: every shard. */
    private static final Function<Route.NoKey, Route> ALLOW_EVERY = missing ->
            new Route.ManyShards(new TreeSet<>(List.of("sh1", "sh2")), "every shard");
    /** ALLOW with default shard sh1. */
    private static final Function<Route.NoKey, Route> ALLOW_DEFAULT_SH1 = missing -> new Route.OneShard("sh1", "default shard");

    private static Route route(String sql, Function<Route.NoKey, Route> policy) {
        Analysis analysis = ANALYZER.analyze(sql);
        assertThat(analysis.isParsed()).as(analysis.parseError()).isTrue();
        return QueryStringRoute.of(analysis.statements(), analysis.statements().stream()
                .map(s -> StatementRouter.route(METADATA, s, null)).toList(), policy);
    }

    private static void assertRefused(String sql, Function<Route.NoKey, Route> policy, String message) {
        assertThatThrownBy(() -> route(sql, policy)).as(sql).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void statementsOnOneShardRunThereTogether() {
        assertThat(route("SELECT * FROM accounts WHERE id = 1; UPDATE accounts SET balance = 0 WHERE id = 2; SELECT 1", BLOCK))
                .isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh1"));
        assertThat(route("BEGIN; INSERT INTO accounts (id) VALUES (150); COMMIT", BLOCK))
                .isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh2"));
        assertThat(route("SELECT 1; SHOW search_path", BLOCK)).isInstanceOf(Route.AnyShard.class);
    }

    @Test
    void aStatementWithoutKeyBesideAKeyedOneIsNeverAnsweredByTheKeyedShardAlone() {
        String sql = "SELECT * FROM accounts WHERE id = 1; SELECT count(*) FROM accounts";
        assertRefused(sql, BLOCK, "no sharding key found for relation public.accounts");
        assertRefused(sql, ALLOW_EVERY, "statements of one query string would run on different shards (sh1, sh2); send them as separate queries");
        // under ALLOW with a default shard the statement without key runs there, alone or not
        assertThat(route(sql, ALLOW_DEFAULT_SH1)).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh1"));
        assertRefused("SELECT * FROM accounts WHERE id = 150; SELECT count(*) FROM accounts", ALLOW_DEFAULT_SH1,
                "would run on different shards (sh1, sh2)");
    }

    @Test
    void statementsWhoseKeysLiveOnDifferentShardsAreRefused() {
        assertRefused("INSERT INTO accounts (id) VALUES (1); INSERT INTO accounts (id) VALUES (150)", BLOCK,
                "statements of one query string would run on different shards (sh1, sh2)");
        assertRefused("SELECT * FROM accounts WHERE id IN (1, 150); SELECT 1", BLOCK, "would run on different shards (sh1, sh2)");
        assertThatThrownBy(() -> route("SELECT * FROM accounts WHERE id = 1; DELETE FROM accounts WHERE id = 150", BLOCK))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.detail())
                        .contains("statement 1 (SELECT * FROM accounts WHERE id = 1) → sh1")
                        .contains("statement 2 (DELETE FROM accounts WHERE id = 150) → sh2"));
    }

    @Test
    void statementsForEveryShardMustComeAlone() {
        assertRefused("CREATE INDEX ON accounts (balance); SELECT 1", BLOCK, "would run on different shards (sh1, sh2)");
        assertThat(route("CREATE INDEX ON accounts (balance)", BLOCK)).isInstanceOf(Route.EveryShard.class);
    }

    @Test
    void sqlLevelPreparedStatementCommandsMustComeAlone() {
        assertRefused("PREPARE q AS SELECT * FROM accounts WHERE id = $1; EXECUTE q(150)", ALLOW_EVERY,
                "PREPARE must come alone in its query string");
        assertRefused("SELECT * FROM accounts WHERE id = 1; EXECUTE q(150)", BLOCK, "EXECUTE must come alone in its query string");
        assertRefused("SELECT 1; DEALLOCATE q", BLOCK, "DEALLOCATE must come alone in its query string");
        assertThat(route("EXECUTE q(150)", BLOCK)).isInstanceOf(Route.AnyShard.class); // alone: the session routes it by q's text
    }

    @Test
    void copyOfADistributedRelationMustComeAlone() {
        assertRefused("SELECT 1; COPY accounts FROM STDIN", ALLOW_EVERY, "would run on different shards (sh1, sh2)");
        assertRefused("COPY accounts TO STDOUT; SELECT 1", ALLOW_EVERY, "would run on different shards (sh1, sh2)");
        assertRefused("SELECT 1; COPY accounts FROM STDIN", BLOCK, "no sharding key found");
    }

    @Test
    void doBlocksAreRefusedWhileRelationsAreDistributed() {
        assertRefused("DO $$ BEGIN DELETE FROM accounts; END $$", BLOCK, "DO blocks are not supported while distributed or reference relations exist");
        assertRefused("SELECT 1; DO $$ BEGIN NULL; END $$", BLOCK, "DO blocks are not supported");
        assertThatThrownBy(() -> route("DO $$ BEGIN NULL; END $$", BLOCK))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.hint()).contains("/*__spqr__execute_on: <shard>*/"));
        Analysis analysis = ANALYZER.analyze("DO $$ BEGIN NULL; END $$");
        assertThat(StatementRouter.route(Metadata.empty(), analysis.statements().getFirst(), null)).isInstanceOf(Route.AnyShard.class);
    }
}
