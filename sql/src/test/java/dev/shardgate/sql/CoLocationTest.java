package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which SELECTs over distributed relations every shard can answer alone (pushdown), and which it
 * cannot: orders and items share distribution ds1 on their key; accounts is in ds2; rates is a
 * reference relation; notes is unknown to the router.
 */
class CoLocationTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);
    private static final Map<String, Placement> PLACEMENTS = Map.of(
            "orders", new Placement.Distributed("ds1", List.of("id"), List.of("ident")),
            "items", new Placement.Distributed("ds1", List.of("order_id"), List.of("ident")),
            "hashed", new Placement.Distributed("ds1", List.of("id"), List.of("murmur")),
            "accounts", new Placement.Distributed("ds2", List.of("id"), List.of("ident")),
            "rates", new Placement.Reference(),
            "lines", new Placement.Distributed("ds3", List.of("region", "id"), List.of("ident", "ident")),
            "stock", new Placement.Distributed("ds3", List.of("region", "item"), List.of("ident", "ident")));
    private static final Placement.Lookup LOOKUP = table -> PLACEMENTS.getOrDefault(table.name(), new Placement.Other());

    private static MultiShardShape.Select pushedDown(String sql) {
        MultiShardShape shape = analyzer.multiShardShape(sql, LOOKUP);
        assertThat(shape).as(sql).isInstanceOf(MultiShardShape.Select.class);
        MultiShardShape.Select select = (MultiShardShape.Select) shape;
        assertThat(select.pushdown()).as(sql).startsWith("pushdown");
        return select;
    }

    private static String refusal(String sql) {
        MultiShardShape shape = analyzer.multiShardShape(sql, LOOKUP);
        assertThat(shape).as(sql).isInstanceOf(MultiShardShape.Unsupported.class);
        return ((MultiShardShape.Unsupported) shape).reason();
    }

    @Test
    void innerJoinsOnTheKeyRunWholeOnEachShard() {
        var shape = pushedDown("SELECT o.id, i.sku FROM orders o JOIN items i ON i.order_id = o.id");
        assertThat(shape.shardSql()).isEqualTo("SELECT o.id, i.sku FROM orders o JOIN items i ON i.order_id = o.id");
        assertThat(shape.aggregation()).isNull();
        pushedDown("SELECT orders.id FROM orders, items WHERE orders.amount > 3 AND items.order_id = orders.id");
        pushedDown("SELECT a.id FROM orders a JOIN orders b ON a.id = b.id JOIN items i ON b.id = i.order_id");
    }

    @Test
    void joinsOffTheKeyOrAcrossDistributionsAreRefused() {
        assertThat(refusal("SELECT o.id FROM orders o JOIN items i ON i.sku = o.id"))
                .contains("orders and items are not joined on the distribution key (o.id = i.order_id)");
        assertThat(refusal("SELECT o.id FROM orders o, items i WHERE o.id = i.order_id OR o.amount = 1"))
                .contains("not joined on the distribution key");
        assertThat(refusal("SELECT o.id FROM orders o JOIN accounts a ON a.id = o.id"))
                .contains("orders (distribution ds1) and accounts (distribution ds2)");
        assertThat(refusal("SELECT o.id FROM orders o JOIN hashed h ON h.id = o.id"))
                .contains("do not place equal keys together");
        assertThat(refusal("SELECT o.id FROM orders o JOIN items i ON i.order_id::text = o.id::text"))
                .contains("not joined");
        assertThat(refusal("SELECT o.id FROM orders o JOIN notes n ON n.id = o.id JOIN items i ON i.order_id = o.id"))
                .contains("relation notes is neither");
    }

    @Test
    void outerJoinsAreSafeOnlyWithTheKeyInTheirCondition() {
        pushedDown("SELECT o.id, i.sku FROM orders o LEFT JOIN items i ON i.order_id = o.id AND i.qty > 1");
        pushedDown("SELECT o.id, i.sku FROM orders o FULL JOIN items i ON i.order_id = o.id");
        assertThat(refusal("SELECT o.id FROM orders o LEFT JOIN items i ON i.sku = o.name")).contains("not joined");
        // the ON of a LEFT JOIN does not filter the rows it keeps: o and p stay unrelated
        assertThat(refusal("SELECT o.id FROM orders o CROSS JOIN orders p LEFT JOIN items i ON i.order_id = o.id AND p.id = i.order_id"))
                .contains("preserved side");
        // a reference relation's rows kept while a distributed one is null-extended: each shard would keep them
        assertThat(refusal("SELECT r.code, o.id FROM rates r LEFT JOIN orders o ON o.id = r.order_id JOIN items i ON i.order_id = o.id"))
                .contains("null-extending");
    }

    @Test
    void referenceRelationsJoinAnything() {
        pushedDown("SELECT o.id, r.rate FROM orders o JOIN rates r ON r.code = o.currency JOIN items i ON i.order_id = o.id");
        var shape = analyzer.multiShardShape("SELECT o.id, r.rate FROM orders o JOIN rates r ON r.code = o.currency", LOOKUP);
        assertThat(shape).isInstanceOf(MultiShardShape.Select.class); // one distributed relation: merged as before
    }

    @Test
    void subqueriesPinnedToTheOuterKeyRunOnTheShards() {
        pushedDown("SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id AND i.qty > 2)");
        pushedDown("SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.order_id = o.id)");
        pushedDown("SELECT o.id, (SELECT count(*) FROM items i WHERE i.order_id = o.id) FROM orders o");
        pushedDown("SELECT o.id FROM orders o WHERE o.id IN (SELECT i.order_id FROM items i WHERE i.qty > 2)");
        assertThat(refusal("SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM items i WHERE i.sku = o.name)"))
                .contains("subquery reads a distributed relation without an equality on its distribution key");
        assertThat(refusal("SELECT o.id, (SELECT count(*) FROM items) FROM orders o")).contains("subquery");
        // NOT IN answers NULL when any shard's items have a NULL key: no shard can tell alone
        assertThat(refusal("SELECT o.id FROM orders o WHERE o.id NOT IN (SELECT i.order_id FROM items i)")).contains("subquery");
        assertThat(refusal("SELECT o.id FROM orders o WHERE o.amount IN (SELECT i.qty FROM items i)")).contains("subquery");
    }

    @Test
    void derivedTablesAndCtesCarryTheKey() {
        pushedDown("SELECT o.id, s.total FROM orders o JOIN (SELECT order_id, sum(qty) AS total FROM items GROUP BY order_id) s"
                + " ON s.order_id = o.id");
        pushedDown("WITH big AS (SELECT id FROM orders WHERE amount > 10) SELECT b.id, i.sku FROM big b JOIN items i ON i.order_id = b.id");
        pushedDown("SELECT s.k, i.sku FROM (SELECT id AS k FROM orders) s JOIN items i ON i.order_id = s.k");
        assertThat(refusal("SELECT count(*) FROM (SELECT DISTINCT sku FROM items) s JOIN orders o ON o.id = s.sku"))
                .contains("has DISTINCT without the distribution key");
        assertThat(refusal("SELECT o.id FROM orders o JOIN (SELECT sku, count(*) FROM items GROUP BY sku) s ON s.sku = o.id"))
                .contains("aggregates without grouping by the distribution key");
        assertThat(refusal("WITH top AS (SELECT id FROM orders ORDER BY amount LIMIT 3) SELECT t.id FROM top t JOIN items i ON i.order_id = t.id"))
                .contains("LIMIT");
        assertThat(refusal("SELECT s.x FROM (SELECT id AS x FROM orders) s(y) JOIN items i ON i.order_id = s.x")).contains("not joined");
    }

    @Test
    void groupingByTheKeyRunsHavingDistinctAggregatesAndWindowsOnTheShards() {
        var shape = pushedDown("SELECT id, count(DISTINCT sku), string_agg(sku, ',') FROM orders GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 5");
        assertThat(shape.aggregation()).isNull();
        assertThat(shape.limit()).isEqualTo(5);
        assertThat(shape.sortKeys()).hasSize(1);
        pushedDown("SELECT o.id, count(*) FROM orders o JOIN items i ON i.order_id = o.id GROUP BY o.id HAVING sum(i.qty) > 3");
        pushedDown("SELECT order_id, sku, rank() OVER (PARTITION BY order_id ORDER BY qty) FROM items");
        pushedDown("SELECT order_id, sum(qty) OVER w FROM items WINDOW w AS (PARTITION BY order_id)");
        var distinctOn = pushedDown("SELECT DISTINCT ON (order_id) order_id, sku, qty FROM items ORDER BY order_id, qty");
        assertThat(distinctOn.distinct()).isFalse();
        // aggregated over the join but not grouped by the key: the shards' partial counts merge as before
        var counted = pushedDown("SELECT count(*) FROM orders o JOIN items i ON i.order_id = o.id");
        assertThat(counted.aggregation()).isNotNull();
    }

    @Test
    void whatNeedsAllRowsTogetherStaysRefused() {
        assertThat(refusal("SELECT sku, count(*) FROM items GROUP BY sku HAVING count(*) > 1")).contains("HAVING");
        assertThat(refusal("SELECT order_id, rank() OVER (ORDER BY qty) FROM items")).contains("window functions");
        assertThat(refusal("SELECT o.id FROM orders o JOIN items i ON i.order_id = o.id UNION SELECT id FROM orders"))
                .contains("UNION");
        assertThat(refusal("SELECT o.id, count(DISTINCT i.sku) FROM orders o JOIN items i ON i.order_id = o.id GROUP BY o.currency, o.id"
                + " HAVING count(*) > 1 UNION ALL SELECT 1, 1")).contains("UNION");
    }

    @Test
    void everyKeyColumnMustBeJoinedPositionByPosition() {
        pushedDown("SELECT l.id FROM lines l JOIN stock s ON s.region = l.region AND s.item = l.id");
        assertThat(refusal("SELECT l.id FROM lines l JOIN stock s ON s.region = l.region")).contains("not joined");
        assertThat(refusal("SELECT l.id FROM lines l JOIN stock s ON s.region = l.id AND s.item = l.region")).contains("not joined");
    }

    @Test
    void lateralNaturalAndAliasedJoinsAreStrict() {
        pushedDown("SELECT o.id, x.sku FROM orders o, LATERAL (SELECT sku FROM items i WHERE i.order_id = o.id LIMIT 1) x");
        assertThat(refusal("SELECT o.id, x.sku FROM orders o, LATERAL (SELECT sku FROM items i WHERE i.sku = o.name LIMIT 1) x"))
                .contains("LIMIT");
        assertThat(refusal("SELECT * FROM orders NATURAL JOIN items")).contains("NATURAL JOIN");
        assertThat(refusal("SELECT j.id FROM (orders o JOIN items i ON i.order_id = o.id) AS j")).contains("aliased join");
        pushedDown("SELECT o.id, i.sku FROM orders o RIGHT JOIN items i ON i.order_id = o.id");
        assertThat(refusal("SELECT o.id FROM orders o RIGHT JOIN rates r ON r.code = o.currency JOIN items i ON i.order_id = o.id"))
                .contains("null-extending");
    }
}
