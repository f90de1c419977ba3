package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What shards run and how answers merge, for statements that run on several shards. */
class MultiShardShapeTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    private static MultiShardShape.Select select(String sql) {
        MultiShardShape shape = analyzer.multiShardShape(sql);
        assertThat(shape).as(sql).isInstanceOf(MultiShardShape.Select.class);
        return (MultiShardShape.Select) shape;
    }

    private static String refusal(String sql) {
        MultiShardShape shape = analyzer.multiShardShape(sql);
        assertThat(shape).as(sql).isInstanceOf(MultiShardShape.Unsupported.class);
        return ((MultiShardShape.Unsupported) shape).reason();
    }

    @Test
    void plainSelectPassesRowsThrough() {
        var shape = select("SELECT id, name FROM orders WHERE amount > 3");
        assertThat(shape.shardSql()).isEqualTo("SELECT id, name FROM orders WHERE amount > 3");
        assertThat(shape.aggregation()).isNull();
        assertThat(shape.sortKeys()).isEmpty();
        assertThat(shape.limit()).isEqualTo(-1);
        assertThat(shape.rowSources()).containsExactly(new TableRef(null, "orders", null));
    }

    @Test
    void orderByResolvesPositionsNamesAndExpressions() {
        var shape = select("SELECT id, name AS n, amount * 2 FROM orders ORDER BY 1 DESC, n NULLS FIRST, amount * 2 DESC NULLS LAST, orders.id");
        assertThat(shape.sortKeys()).containsExactly(
                new SortKey(0, null, true, true), new SortKey(1, null, false, true),
                new SortKey(2, null, true, false), new SortKey(0, null, false, false));
    }

    @Test
    void orderByUnderStarIsByName() {
        var shape = select("SELECT * FROM orders ORDER BY amount DESC");
        assertThat(shape.sortKeys()).containsExactly(new SortKey(-1, "amount", true, true));
        assertThat(refusal("SELECT * FROM orders ORDER BY 1")).contains("ORDER BY");
    }

    @Test
    void sortColumnsNotSelectedAreHiddenColumnsOfTheShards() {
        var shape = select("SELECT id FROM orders ORDER BY amount DESC, id");
        assertThat(shape.shardSql()).isEqualTo("SELECT id, amount FROM orders ORDER BY amount DESC, id");
        assertThat(shape.sortKeys()).containsExactly(new SortKey(1, null, true, true), new SortKey(0, null, false, false));
        assertThat(shape.hiddenColumns()).isEqualTo(1);
        assertThat(select("SELECT id FROM orders ORDER BY id").hiddenColumns()).isZero();
    }

    @Test
    void limitCoversOffsetOnShards() {
        var shape = select("SELECT id FROM orders ORDER BY id LIMIT 10 OFFSET /* skip */ 5");
        assertThat(shape.shardSql()).isEqualTo("SELECT id FROM orders ORDER BY id LIMIT 15 OFFSET /* skip */ 0");
        assertThat(shape.limit()).isEqualTo(10);
        assertThat(shape.offset()).isEqualTo(5);
        var fetch = select("SELECT id FROM orders ORDER BY id OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY");
        assertThat(fetch.shardSql()).isEqualTo("SELECT id FROM orders ORDER BY id OFFSET 0 ROWS FETCH FIRST 5 ROWS ONLY");
        assertThat(select("SELECT id FROM orders LIMIT ALL OFFSET 4").shardSql()).isEqualTo("SELECT id FROM orders LIMIT ALL OFFSET 0");
        assertThat(refusal("SELECT id FROM orders LIMIT 2 + 3")).contains("LIMIT");
    }

    @Test
    void boundLimitAndOffsetAreCutByTheMergeAfterTheShardsReturnEveryRow() {
        var shape = select("SELECT id FROM orders ORDER BY id LIMIT $1 OFFSET $2");
        assertThat(shape.shardSql()).isEqualTo("SELECT id FROM orders ORDER BY id LIMIT 9223372036854775807 OFFSET 0");
        assertThat(shape.limitParameter()).isEqualTo(1);
        assertThat(shape.offsetParameter()).isEqualTo(2);
        assertThat(shape.isWindowed()).isTrue();
        var constantLimit = select("SELECT id FROM orders WHERE id > $1 ORDER BY id LIMIT 4 OFFSET $2");
        assertThat(constantLimit.shardSql()).isEqualTo("SELECT id FROM orders WHERE id > $1 ORDER BY id LIMIT 9223372036854775807 OFFSET 0");
        assertThat(constantLimit.limit()).isEqualTo(4);
        assertThat(constantLimit.limitParameter()).isZero();
        assertThat(select("SELECT id FROM orders ORDER BY id FETCH FIRST $1 ROWS ONLY").shardSql())
                .isEqualTo("SELECT id FROM orders ORDER BY id FETCH FIRST 9223372036854775807 ROWS ONLY");
        assertThat(refusal("SELECT id FROM orders LIMIT $1 + 1")).contains("parameter");
    }

    @Test
    void fetchFirstRowOnlyIsLimitOne() {
        var one = select("SELECT id FROM orders ORDER BY id FETCH FIRST ROW ONLY");
        assertThat(one.limit()).isEqualTo(1);
        assertThat(one.shardSql()).isEqualTo("SELECT id FROM orders ORDER BY id FETCH FIRST 1 ROW ONLY");
        var next = select("SELECT id FROM orders ORDER BY id OFFSET 2 ROWS FETCH NEXT ROW ONLY");
        assertThat(next.shardSql()).isEqualTo("SELECT id FROM orders ORDER BY id OFFSET 0 ROWS FETCH NEXT 3 ROW ONLY");
        assertThat(next.limit()).isEqualTo(1);
        assertThat(next.offset()).isEqualTo(2);
    }

    @Test
    void averageIsSentAsSumCountAndAverage() {
        var shape = select("SELECT customer, count(*), avg(amount) AS mean, sum(amount), min(id), max(id) FROM orders"
                + " GROUP BY customer ORDER BY mean DESC LIMIT 3 OFFSET 1");
        assertThat(shape.shardSql()).isEqualTo("SELECT customer, count(*), sum(amount), count(amount), avg(amount) AS mean,"
                + " sum(amount), min(id), max(id) FROM orders GROUP BY customer ORDER BY mean DESC LIMIT 9223372036854775807 OFFSET 0");
        assertThat(shape.aggregation().columns()).containsExactly(
                new OutputColumn.Key(0, true), new OutputColumn.Aggregate(AggregateKind.COUNT, 1),
                new OutputColumn.Average(2, 3, 4), new OutputColumn.Aggregate(AggregateKind.SUM, 5),
                new OutputColumn.Aggregate(AggregateKind.MIN, 6), new OutputColumn.Aggregate(AggregateKind.MAX, 7));
        assertThat(shape.sortKeys()).containsExactly(new SortKey(2, null, true, true));
        assertThat(shape.limit()).isEqualTo(3);
    }

    @Test
    void aggregatesTheMergerCannotCombineAreRefused() {
        assertThat(refusal("SELECT count(DISTINCT customer) FROM orders")).contains("DISTINCT");
        assertThat(refusal("SELECT string_agg(customer, ',') FROM orders")).contains("string_agg");
        assertThat(refusal("SELECT count(*) + 1 FROM orders")).contains("inside an expression");
        assertThat(refusal("SELECT customer, count(*) FROM orders GROUP BY customer HAVING count(*) > 1")).contains("HAVING");
        assertThat(refusal("SELECT id, rank() OVER (ORDER BY id) FROM orders")).contains("window");
        assertThat(refusal("SELECT DISTINCT ON (customer) customer FROM orders")).contains("DISTINCT ON");
        assertThat(refusal("SELECT id FROM orders UNION SELECT id FROM items")).contains("UNION");
        assertThat(refusal("SELECT 1; SELECT 2")).contains("several statements");
    }

    @Test
    void distinctAndTables() {
        var shape = select("SELECT DISTINCT o.customer FROM orders o JOIN refs r ON r.id = o.ref LEFT JOIN items i ON i.order_id = o.id"
                + " WHERE o.id IN (SELECT order_id FROM lines)");
        assertThat(shape.distinct()).isTrue();
        assertThat(shape.tables()).extracting(TableRef::name).containsExactly("orders", "refs", "items", "lines");
        assertThat(shape.rowSources()).extracting(TableRef::name).containsExactly("orders", "refs");
    }

    @Test
    void insertRowsAreCutAtTheirParentheses() {
        MultiShardShape shape = analyzer.multiShardShape(
                "INSERT INTO orders (id, note) VALUES (1, 'a)('), ( 2 , $$)$$ ) ,(3, greatest(4, (5))) RETURNING id");
        assertThat(shape).isInstanceOf(MultiShardShape.Insert.class);
        var insert = (MultiShardShape.Insert) shape;
        assertThat(insert.rows()).containsExactly("(1, 'a)(')", "( 2 , $$)$$ )", "(3, greatest(4, (5)))");
        assertThat(insert.sqlFor(List.of(2, 0))).isEqualTo("INSERT INTO orders (id, note) VALUES (3, greatest(4, (5))), (1, 'a)(') RETURNING id");
    }

    @Test
    void multiShardWritesMayCallBuiltInFunctionsOnly() {
        for (String sql : List.of("UPDATE orders SET note = stamp(note)", "DELETE FROM orders WHERE id = public.pick()",
                "INSERT INTO orders (id, note) VALUES (1, 'a'), (1001, log_it('b'))",
                "UPDATE orders SET note = 'x' WHERE id IN (SELECT pick())")) {
            assertThat(analyzer.multiShardShape(sql)).as(sql).isInstanceOfSatisfying(MultiShardShape.Unsupported.class,
                    unsupported -> assertThat(unsupported.reason()).contains("is not a built-in function of PostgreSQL"));
        }
        assertThat(analyzer.multiShardShape("UPDATE orders SET note = lower(note) || now()::text WHERE id > abs(-1)"))
                .isInstanceOf(MultiShardShape.Modify.class);
    }

    @Test
    void escapesAndCommentsDoNotEndARow() {
        var insert = (MultiShardShape.Insert) analyzer.multiShardShape(
                "INSERT INTO orders (id, note) VALUES /* (x) */ (1, E'\\')\\'') -- )\n, (2, 'a'::\"we)ird\")");
        assertThat(insert.rows()).containsExactly("(1, E'\\')\\'')", "(2, 'a'::\"we)ird\")");
        assertThat(insert.sqlFor(List.of(1))).isEqualTo("INSERT INTO orders (id, note) VALUES (2, 'a'::\"we)ird\")");
    }

    @Test
    void averageKeepsItsArgumentsWhateverTheirSpelling() {
        var shape = select("SELECT pg_catalog.avg ( (amount) * 2 ) FROM orders");
        assertThat(shape.shardSql()).isEqualTo(
                "SELECT sum( (amount) * 2 ), count( (amount) * 2 ), pg_catalog.avg ( (amount) * 2 ) FROM orders");
    }

    @Test
    void positionsAfterAnAverageAreRenumberedForTheShards() {
        var shape = select("SELECT avg(amount), customer, qty, count(*) FROM orders GROUP BY 2, qty ORDER BY 4 DESC, 1, 2");
        assertThat(shape.shardSql()).isEqualTo("SELECT sum(amount), count(amount), avg(amount), customer, qty, count(*)"
                + " FROM orders GROUP BY 4, qty ORDER BY 6 DESC, 3, 4");
        assertThat(shape.aggregation().columns()).containsExactly(new OutputColumn.Average(0, 1, 2),
                new OutputColumn.Key(3, true), new OutputColumn.Key(4, true), new OutputColumn.Aggregate(AggregateKind.COUNT, 5));
        assertThat(shape.sortKeys()).containsExactly(new SortKey(3, null, true, true), new SortKey(0, null, false, false),
                new SortKey(1, null, false, false));
    }

    @Test
    void onlyGroupByItemsGroupTheMergedRows() {
        var shape = select("SELECT id, customer, 'x', count(*) FROM orders GROUP BY id");
        assertThat(shape.aggregation().columns()).containsExactly(new OutputColumn.Key(0, true),
                new OutputColumn.Key(1, false), new OutputColumn.Key(2, false), new OutputColumn.Aggregate(AggregateKind.COUNT, 3));
    }

    @Test
    void groupingSetsTiesAndUsingAreRefusedByName() {
        assertThat(refusal("SELECT customer, count(*) FROM orders GROUP BY ROLLUP (customer)")).contains("ROLLUP");
        assertThat(refusal("SELECT customer, qty, count(*) FROM orders GROUP BY CUBE (customer, qty)")).contains("CUBE");
        assertThat(refusal("SELECT customer, grouping(customer) FROM orders GROUP BY GROUPING SETS ((customer), ())"))
                .contains("GROUPING SETS");
        assertThat(refusal("SELECT id FROM orders ORDER BY id FETCH FIRST 3 ROWS WITH TIES")).contains("WITH TIES");
        assertThat(refusal("SELECT id FROM orders ORDER BY id USING >")).contains("USING");
    }

    @Test
    void updatesAndDeletesGoAsTheyAre() {
        MultiShardShape shape = analyzer.multiShardShape("UPDATE orders SET amount = 0 WHERE note = 'x'");
        assertThat(shape).isEqualTo(new MultiShardShape.Modify("UPDATE orders SET amount = 0 WHERE note = 'x'",
                List.of(new TableRef(null, "orders", null)), List.of(new TableRef(null, "orders", null))));
    }
}
