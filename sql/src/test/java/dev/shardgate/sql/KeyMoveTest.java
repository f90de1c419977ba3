package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The two readings a split update needs (KeyMove, and the Assignment of the key in the analysis), and
 * the pinned key of a co-located SELECT (PinnedKey).
 */
class KeyMoveTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);
    private static final Map<String, Placement> PLACEMENTS = Map.of(
            "orders", new Placement.Distributed("ds1", List.of("id"), List.of("ident")),
            "items", new Placement.Distributed("ds1", List.of("order_id"), List.of("ident")),
            "rates", new Placement.Reference());
    private static final Placement.Lookup LOOKUP = table -> PLACEMENTS.getOrDefault(table.name(), new Placement.Other());

    @Test
    void theUpdatesTargetAndConditionBecomeADeleteReturningEveryColumn() {
        assertThat(analyzer.keyMove("UPDATE orders SET id = 5 WHERE id = 7").deleteSql())
                .isEqualTo("DELETE FROM orders WHERE id = 7\nRETURNING *");
        assertThat(analyzer.keyMove("/* hint */ UPDATE ONLY public.orders AS o SET total = 0, id = $1 WHERE o.id = $2"
                + " AND (o.note = 'where') RETURNING o.id, o.total; ").deleteSql())
                .isEqualTo("DELETE FROM ONLY public.orders AS o WHERE o.id = $2 AND (o.note = 'where')\nRETURNING *");
        assertThat(analyzer.keyMove("UPDATE orders SET id = (SELECT 1 WHERE true) WHERE id = 7 -- done").deleteSql())
                .isEqualTo("DELETE FROM orders WHERE id = 7 -- done\nRETURNING *");
    }

    @Test
    void anUpdateWhoseConditionCouldMeanAnotherThingOnAnotherShardIsRefused() {
        assertThat(analyzer.keyMove("UPDATE orders SET id = 5 FROM items WHERE items.order_id = orders.id AND orders.id = 7").refusal())
                .contains("FROM clause");
        assertThat(analyzer.keyMove("WITH x AS (SELECT 1) UPDATE orders SET id = 5 WHERE id = 7").refusal()).contains("WITH");
        assertThat(analyzer.keyMove("UPDATE orders SET id = 5 WHERE id = 7 AND EXISTS (SELECT 1 FROM rates)").refusal())
                .contains("other relations");
        assertThat(analyzer.keyMove("UPDATE orders SET id = 5 WHERE id = 7 AND my_check(total)").refusal())
                .contains("not built in");
        assertThat(analyzer.keyMove("UPDATE orders SET id = 5 WHERE id = 7 AND random() < 0.5").refusal())
                .contains("calls a function");
        assertThat(analyzer.keyMove("UPDATE orders SET id = 5 WHERE id = 7 AND ts < current_timestamp").refusal())
                .contains("calls a function");
        assertThat(analyzer.keyMove("SELECT 1").refusal()).contains("not an UPDATE");
    }

    @Test
    void theKeysNewValueIsKnownWhenAConstantAParameterOrTheKeyShifted() {
        Write write = analyzer.analyze("UPDATE orders SET id = id + 1000, total = total + 1, note = $2, v = '7'::int WHERE id = $1")
                .statements().getFirst().writes().getFirst();
        assertThat(write.assignments()).containsOnlyKeys("id", "total", "note", "v");
        assertThat(write.assignments().get("id")).isEqualTo(new Assignment.Shifted(new Value.Literal("1000", LiteralKind.INTEGER, null), false));
        assertThat(write.assignments().get("note")).isEqualTo(new Assignment.Given(new Value.Param(2)));
        assertThat(analyzer.analyze("UPDATE orders SET id = id - 3 WHERE id = 9").statements().getFirst().writes().getFirst()
                .assignments().get("id")).isEqualTo(new Assignment.Shifted(new Value.Literal("3", LiteralKind.INTEGER, null), true));
        // another column, a qualified one, or a product: unknown
        assertThat(analyzer.analyze("UPDATE orders SET id = total + 1 WHERE id = 9").statements().getFirst().writes().getFirst()
                .assignments()).isEmpty();
        assertThat(analyzer.analyze("UPDATE orders SET id = id * 2 WHERE id = 9").statements().getFirst().writes().getFirst()
                .assignments()).isEmpty();
    }

    @Test
    void aCoLocatedSelectIsPinnedByATopLevelRelationOnAPreservedSide() {
        assertThat(analyzer.pinnedKey("SELECT * FROM orders o LEFT JOIN items i ON i.order_id = o.id WHERE o.id = 5", LOOKUP))
                .isEqualTo(new PinnedKey(new TableRef(null, "orders", "o"), List.of(new Value.Literal("5", LiteralKind.INTEGER, null))));
        assertThat(analyzer.pinnedKey("SELECT id FROM orders WHERE id IN ($1, 7) AND EXISTS (SELECT 1 FROM items WHERE"
                + " items.order_id = orders.id)", LOOKUP).values())
                .containsExactly(new Value.Param(1), new Value.Literal("7", LiteralKind.INTEGER, null));
        // on the null-extended side: the strict WHERE drops the rows extended on it
        assertThat(analyzer.pinnedKey("SELECT * FROM items i LEFT JOIN orders o ON i.order_id = o.id WHERE o.id = 5", LOOKUP).table())
                .isEqualTo(new TableRef(null, "orders", "o"));
        // pinned in an ON only, inside a subquery only, or not co-located: none
        assertThat(analyzer.pinnedKey("SELECT * FROM items i LEFT JOIN orders o ON i.order_id = o.id AND o.id = 5", LOOKUP)).isNull();
        assertThat(analyzer.pinnedKey("SELECT * FROM items WHERE NOT EXISTS (SELECT 1 FROM orders WHERE orders.id = 5"
                + " AND orders.id = items.order_id)", LOOKUP)).isNull();
        assertThat(analyzer.pinnedKey("SELECT * FROM orders o JOIN items i ON i.total = o.total WHERE o.id = 5", LOOKUP)).isNull();
        assertThat(analyzer.pinnedKey("SELECT * FROM orders WHERE id = 5 OR total = 0", LOOKUP)).isNull();
    }
}
