package dev.shardgate.router.merge;

import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.RowDescription;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Text merges by bytes only when its collation is known to be C or POSIX. */
class TextOrderTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);
    /** orders(id int, v text in the default collation, c text COLLATE "C", l text COLLATE "de-x-icu"). */
    private static final Map<String, String> ORDERS = Map.of("id", ShardCollations.NOT_COLLATABLE, "v", ShardCollations.DEFAULT,
            "c", ShardCollations.C, "l", "de-x-icu");

    private static MultiShardShape.Select select(String sql) {
        return (MultiShardShape.Select) analyzer.multiShardShape(sql);
    }

    private static RowDescription columns(int... typeOids) {
        List<RowDescription.Field> fields = new ArrayList<>();
        for (int i = 0; i < typeOids.length; i++) {
            fields.add(new RowDescription.Field("col" + i, 0, (short) 0, typeOids[i], (short) -1, -1, (short) 0));
        }
        return new RowDescription(fields);
    }

    private static ShardCollations shard(String databaseDefault) {
        return new ShardCollations("sh1", databaseDefault, List.of(ORDERS));
    }

    @Test
    void columnsInCAndTheDefaultOfACDatabaseMergeByBytes() {
        for (String sql : List.of("SELECT v, c FROM orders ORDER BY v, c", "SELECT lower(v) FROM orders ORDER BY 1",
                "SELECT id::text FROM orders ORDER BY 1", "SELECT o.c FROM orders o ORDER BY c")) {
            TextOrder.require(select(sql), columns(TypeOids.TEXT, TypeOids.TEXT), shard(ShardCollations.C));
        }
    }

    @Test
    void otherCollationsAreRefusedNamingColumnAndCollation() {
        assertThatThrownBy(() -> TextOrder.require(select("SELECT id, l FROM orders ORDER BY l"),
                columns(TypeOids.INT4, TypeOids.TEXT), shard(ShardCollations.C)))
                .isInstanceOf(PgException.class).hasMessageContaining("column \"col1\" is compared in collation \"de-x-icu\"");
        assertThatThrownBy(() -> TextOrder.require(select("SELECT v FROM orders ORDER BY v COLLATE \"en_US\""),
                columns(TypeOids.VARCHAR), shard(ShardCollations.C))).hasMessageContaining("\"en_US\"");
        assertThatThrownBy(() -> TextOrder.require(select("SELECT min(v || l) FROM orders"),
                columns(TypeOids.TEXT), shard(ShardCollations.C))).hasMessageContaining("\"de-x-icu\"");
    }

    @Test
    void aDatabaseDefaultOtherThanCIsRefusedUnlessTheColumnOrExpressionSaysC() {
        ShardCollations icu = shard("en-US (icu)");
        assertThatThrownBy(() -> TextOrder.require(select("SELECT v FROM orders ORDER BY v"), columns(TypeOids.TEXT), icu))
                .hasMessageContaining("\"en-US (icu)\" on shard \"sh1\"");
        assertThatThrownBy(() -> TextOrder.require(select("SELECT max(id::text) FROM orders"), columns(TypeOids.TEXT), icu))
                .hasMessageContaining("en-US (icu)");
        TextOrder.require(select("SELECT c FROM orders ORDER BY c"), columns(TypeOids.TEXT), icu);
        TextOrder.require(select("SELECT v FROM orders ORDER BY v COLLATE \"POSIX\""), columns(TypeOids.TEXT), icu);
        TextOrder.require(select("SELECT v FROM orders ORDER BY v"), columns(TypeOids.INT4), icu); // not text at all
    }

    @Test
    void columnsTheRouterCannotFindAreRefused() {
        var subquery = select("SELECT s.v FROM (SELECT v FROM orders) s ORDER BY 1");
        assertThatThrownBy(() -> TextOrder.require(subquery, columns(TypeOids.TEXT), shard(ShardCollations.C)))
                .hasMessageContaining("\"unknown\"");
        var missing = new ShardCollations("sh1", ShardCollations.C, Arrays.asList((Map<String, String>) null));
        assertThatThrownBy(() -> TextOrder.require(select("SELECT v FROM orders ORDER BY v"), columns(TypeOids.TEXT), missing))
                .hasMessageContaining("\"unknown\"");
    }

    @Test
    void onlyComparisonsWithoutExplicitCollationNeedTheCatalog() {
        assertThat(TextOrder.needsCatalog(select("SELECT v FROM orders"))).isFalse();
        assertThat(TextOrder.needsCatalog(select("SELECT count(*), sum(id) FROM orders"))).isFalse();
        assertThat(TextOrder.needsCatalog(select("SELECT v FROM orders ORDER BY v COLLATE \"C\""))).isFalse();
        assertThat(TextOrder.needsCatalog(select("SELECT v FROM orders ORDER BY v"))).isTrue();
        assertThat(TextOrder.needsCatalog(select("SELECT min(v) FROM orders"))).isTrue();
    }

    @Test
    void characterValuesCompareWithoutTrailingBlanks() {
        var order = ValueOrder.of(TypeOids.BPCHAR, "code");
        List<byte[]> values = new ArrayList<>(List.of(bytes("a! "), bytes("a  "), bytes("a\t "), bytes(" b "), bytes("B  ")));
        values.sort(order);
        assertThat(values.stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList())
                .containsExactly(" b ", "B  ", "a  ", "a\t ", "a! ");
        assertThat(order.compare(bytes("a"), bytes("a  "))).isZero();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void groupingTextIsRefusedOnlyInANondeterministicCollationOrAnUnknownOneWhileSuchExist() {
        var ci = Map.of("id", ShardCollations.NOT_COLLATABLE, "v", ShardCollations.DEFAULT, "n", "ci", "l", "de-x-icu");
        var withCi = new ShardCollations("sh1", ShardCollations.C, List.of(ci), java.util.Set.of("ci", "public.ci"));
        var withoutCi = new ShardCollations("sh1", ShardCollations.C, List.of(ci));
        var grouped = select("SELECT n, count(*) FROM orders GROUP BY n");
        assertThat(TextOrder.needsCatalog(grouped)).isTrue();
        assertThatThrownBy(() -> TextOrder.require(grouped, columns(TypeOids.TEXT, TypeOids.INT8), withCi))
                .hasMessageContaining("column \"col0\" is grouped in collation \"ci\" on shard \"sh1\"");
        TextOrder.require(grouped, columns(TypeOids.TEXT, TypeOids.INT8), withoutCi);
        TextOrder.require(grouped, columns(TypeOids.INT4, TypeOids.INT8), withCi); // not text
        for (String sql : List.of("SELECT DISTINCT v, l FROM orders", "SELECT DISTINCT n COLLATE \"C\", id FROM orders",
                "SELECT l, count(*) FROM orders GROUP BY l")) {
            TextOrder.require(select(sql), columns(TypeOids.TEXT, TypeOids.TEXT), withCi);
        }
        for (String sql : List.of("SELECT DISTINCT v, upper(n) FROM orders", "SELECT DISTINCT v COLLATE public.ci FROM orders",
                "SELECT DISTINCT * FROM orders")) {
            assertThatThrownBy(() -> TextOrder.require(select(sql), columns(TypeOids.TEXT, TypeOids.TEXT), withCi)).as(sql)
                    .isInstanceOf(PgException.class).hasMessageContaining("is grouped in collation");
        }
        assertThat(TextOrder.needsCatalog(select("SELECT DISTINCT v COLLATE \"C\" FROM orders"))).isFalse();
        assertThat(TextOrder.needsCatalog(select("SELECT count(*) FROM orders"))).isFalse();
    }
}
