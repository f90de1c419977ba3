package dev.shardgate.router.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.RoutingExpression.TypedColumn;
import dev.shardgate.meta.Shard;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A relation keyed by SPQR's routing expression routes by the hash of all its columns' values:
 * the setup of SPQR's regression test expression_routing, whose rows land on sh1, sh3, sh3, sh4, sh4.
 */
class RoutingExpressionRouteTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);
    private static final Metadata METADATA = metadata();

    /** tr: MURMUR [id1 INT HASH, id2 VARCHAR HASH] over four quarters of the hash space, sh1 … sh4. */
    private static Metadata metadata() {
        List<MetadataChange> changes = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            changes.add(new MetadataChange.CreateShard(new Shard("sh" + i, List.of("h" + i + ":5432"))));
        }
        changes.add(new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER_HASH))));
        changes.add(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("tr"), "ds1",
                List.of(new RoutingExpression(HashFunction.MURMUR, List.of(
                        new TypedColumn("id1", ColumnType.INTEGER_HASH), new TypedColumn("id2", ColumnType.VARCHAR_HASH)))))));
        // tr2 hashes like tr; swapped has the same columns in the other order, so equal values make other keys
        changes.add(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("tr2"), "ds1",
                List.of(new RoutingExpression(HashFunction.MURMUR, List.of(
                        new TypedColumn("a", ColumnType.INTEGER_HASH), new TypedColumn("b", ColumnType.VARCHAR_HASH)))))));
        changes.add(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("swapped"), "ds1",
                List.of(new RoutingExpression(HashFunction.MURMUR, List.of(
                        new TypedColumn("b", ColumnType.VARCHAR_HASH), new TypedColumn("a", ColumnType.INTEGER_HASH)))))));
        for (int i = 0; i < 4; i++) {
            changes.add(new MetadataChange.CreateKeyRange(new KeyRange("kr" + (i + 1),
                    KeyBound.of(KeyValue.hash(i * (1L << 30))), "sh" + (i + 1), "ds1")));
        }
        return Metadata.empty().apply(changes);
    }

    private static Route route(String sql, BoundValues bound) {
        Analysis analysis = ANALYZER.analyze(sql);
        assertThat(analysis.isParsed()).as(analysis.parseError()).isTrue();
        return QueryStringRoute.of(analysis.statements(), analysis.statements().stream()
                .map(s -> StatementRouter.route(METADATA, s, bound)).toList(), missing -> missing);
    }

    private static void assertRoutedTo(String shard, String sql) {
        assertThat(route(sql, null)).as(sql).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo(shard));
    }

    @Test
    void bothColumnsPinTheShardAsInSpqr() {
        assertRoutedTo("sh1", "SELECT * FROM tr WHERE id1 = 0 AND id2 = 'aba'");
        assertRoutedTo("sh3", "SELECT * FROM tr WHERE id2 = 'ziziziz' AND id1 = 1");
        assertRoutedTo("sh3", "INSERT INTO tr (id1, id2, val) VALUES (2, 'ziiziziziz', 'asssa')");
        assertRoutedTo("sh4", "INSERT INTO tr (val, id2, id1) VALUES ('asas', 'ziizizizi', 3)");
        assertRoutedTo("sh4", "UPDATE tr SET val = 'x' WHERE id1 = 4 AND id2 = 'yyuyuyuyu'");
        assertRoutedTo("sh3", "DELETE FROM tr t WHERE t.id1 = 1 AND t.id2 = 'ziziziz' RETURNING *");
        // every combination of the lists may be a row: (0, 'ziziziz') and (1, 'aba') hash elsewhere
        java.util.Set<String> combinations = new java.util.TreeSet<>();
        for (String id1 : List.of("0", "1")) {
            for (String id2 : List.of("aba", "ziziziz")) {
                combinations.add(METADATA.shardFor("ds1", METADATA.routingKeyFromText(
                        METADATA.relation(QualifiedName.of("tr")).orElseThrow(), List.of(id1, id2))).orElseThrow());
            }
        }
        assertThat(combinations).contains("sh1", "sh3").hasSizeGreaterThan(2);
        assertThat(route("SELECT * FROM tr WHERE id1 IN (0, 1) AND id2 IN ('aba', 'ziziziz')", null))
                .isInstanceOfSatisfying(Route.ManyShards.class, r -> assertThat(r.shards()).containsExactlyElementsOf(combinations));
        assertThat(route("INSERT INTO tr (id1, id2) VALUES (0, 'aba'), (3, 'ziizizizi')", null))
                .isInstanceOf(Route.ManyShards.class);
    }

    @Test
    void boundParametersAreHashedAsTheirText() {
        byte[] int4 = ByteBuffer.allocate(4).putInt(1).array();
        Route bound = route("SELECT * FROM tr WHERE id1 = $1 AND id2 = $2", new BoundValues(new int[] {23, 25},
                new short[] {1, 0}, new byte[][] {int4, "ziziziz".getBytes(StandardCharsets.UTF_8)}));
        assertThat(bound).isInstanceOfSatisfying(Route.OneShard.class, r -> assertThat(r.shard()).isEqualTo("sh3"));
    }

    @Test
    void oneColumnAloneIsNoKey() {
        assertThat(route("SELECT * FROM tr WHERE id1 = 1", null)).isInstanceOf(Route.NoKey.class);
        assertThat(route("SELECT * FROM tr WHERE id2 = 'ziziziz'", null)).isInstanceOf(Route.NoKey.class);
        assertThat(route("SELECT * FROM tr WHERE id1 = 1 OR id2 = 'ziziziz'", null)).isInstanceOf(Route.NoKey.class);
    }

    @Test
    void newRowsNeedEveryColumnAndKeepTheirKey() {
        for (String sql : List.of(
                "INSERT INTO tr (id1, val) VALUES (1, 'x')",
                "INSERT INTO tr (id1, id2) VALUES (1, DEFAULT)",
                "UPDATE tr SET id2 = 'other' WHERE id1 = 1 AND id2 = 'ziziziz'")) {
            assertThatThrownBy(() -> route(sql, null)).as(sql).isInstanceOfSatisfying(PgException.class,
                    e -> assertThat(e.sqlState().code()).isEqualTo("0A000"));
        }
        assertThatThrownBy(() -> route("INSERT INTO tr (id1, id2) VALUES (1, DEFAULT)", null))
                .hasMessageContaining("must give distribution key column \"id2\" a constant or parameter value");
    }

    /** Rows of two relations hashed alike with equal values in every column have one key, so live on one shard. */
    @Test
    void joinsOnEveryColumnOfLikeExpressionsRunWholeOnEachShard() {
        var placements = Placements.of(METADATA, List.of("sh1", "sh2", "sh3", "sh4"));
        assertThat(ANALYZER.multiShardShape("SELECT * FROM tr JOIN tr2 ON tr2.a = tr.id1 AND tr2.b = tr.id2", placements))
                .isInstanceOfSatisfying(dev.shardgate.sql.MultiShardShape.Select.class,
                        select -> assertThat(select.pushdown()).startsWith("pushdown"));
        for (String sql : List.of(
                "SELECT * FROM tr JOIN tr2 ON tr2.a = tr.id1",
                "SELECT * FROM tr JOIN tr2 ON tr2.a = tr.id1 AND tr2.b = tr.val",
                "SELECT * FROM tr JOIN swapped s ON s.a = tr.id1 AND s.b = tr.id2")) {
            assertThat(ANALYZER.multiShardShape(sql, placements)).as(sql).satisfiesAnyOf(
                    shape -> assertThat(shape).isInstanceOf(dev.shardgate.sql.MultiShardShape.Unsupported.class),
                    shape -> assertThat(shape).isInstanceOfSatisfying(dev.shardgate.sql.MultiShardShape.Select.class,
                            select -> assertThat(select.pushdown()).doesNotStartWith("pushdown")));
        }
    }

    @Test
    void aValueOfTheWrongTypeIsTheClientsError() {
        assertThatThrownBy(() -> route("INSERT INTO tr (id1, id2) VALUES ('x1', 'a')", null))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("22P02"));
    }
}
