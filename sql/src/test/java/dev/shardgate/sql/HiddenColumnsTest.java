package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import org.junit.jupiter.api.Test;

/**
 * ORDER BY and GROUP BY items missing from the select list of a multi-shard SELECT: appended to what
 * the shards return, merged on, and cut from what the client sees.
 */
class HiddenColumnsTest {
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
    void expressionsModifiersAndCollationsAreReadFromTheText() {
        var shape = select("SELECT id FROM orders WHERE id > 3 ORDER BY amount * (2 + qty) DESC NULLS LAST,"
                + " note COLLATE \"C\" ASC, /* a comment */ lower(note) LIMIT 5 OFFSET 1");
        assertThat(shape.shardSql()).isEqualTo("SELECT id, amount * (2 + qty), note COLLATE \"C\", lower(note)"
                + " FROM orders WHERE id > 3 ORDER BY amount * (2 + qty) DESC NULLS LAST, note COLLATE \"C\" ASC,"
                + " /* a comment */ lower(note) LIMIT 6 OFFSET 0");
        assertThat(shape.sortKeys()).containsExactly(new SortKey(1, null, true, false),
                new SortKey(2, null, false, false), new SortKey(3, null, false, false));
        assertThat(shape.hiddenColumns()).isEqualTo(3);
        assertThat(shape.collations().sortKey(1).explicit()).isEqualTo("C");
    }

    @Test
    void theSelectListEndsBeforeFromButNotInsideIsDistinctFrom() {
        var shape = select("SELECT id, a IS DISTINCT FROM b AS changed FROM orders ORDER BY amount");
        assertThat(shape.shardSql()).isEqualTo("SELECT id, a IS DISTINCT FROM b AS changed, amount FROM orders ORDER BY amount");
        assertThat(select("SELECT 1 AS one ORDER BY random()").shardSql()).isEqualTo("SELECT 1 AS one, random() ORDER BY random()");
    }

    @Test
    void aGroupByItemNotSelectedIsAHiddenGroupKey() {
        var shape = select("SELECT count(*), avg(amount) FROM orders GROUP BY customer ORDER BY customer DESC");
        assertThat(shape.shardSql()).isEqualTo("SELECT count(*), sum(amount), count(amount), avg(amount), customer"
                + " FROM orders GROUP BY customer ORDER BY customer DESC");
        assertThat(shape.aggregation().columns()).containsExactly(new OutputColumn.Aggregate(AggregateKind.COUNT, 0),
                new OutputColumn.Average(1, 2, 3), new OutputColumn.Key(4, true));
        assertThat(shape.sortKeys()).containsExactly(new SortKey(2, null, true, true));
        assertThat(shape.hiddenColumns()).isEqualTo(1);
    }

    @Test
    void anAggregateOrderedOnIsAHiddenAggregate() {
        var shape = select("SELECT customer FROM orders GROUP BY customer ORDER BY avg(amount) DESC, count(*), customer");
        assertThat(shape.shardSql()).isEqualTo("SELECT customer, sum(amount), count(amount), avg(amount), count(*)"
                + " FROM orders GROUP BY customer ORDER BY avg(amount) DESC, count(*), customer");
        assertThat(shape.aggregation().columns()).containsExactly(new OutputColumn.Key(0, true),
                new OutputColumn.Average(1, 2, 3), new OutputColumn.Aggregate(AggregateKind.COUNT, 4));
        assertThat(shape.sortKeys()).containsExactly(new SortKey(1, null, true, true),
                new SortKey(2, null, false, false), new SortKey(0, null, false, false));
        assertThat(shape.hiddenColumns()).isEqualTo(2);
        // an aggregate only in ORDER BY makes the query aggregated
        assertThat(select("SELECT 1 AS one FROM orders ORDER BY count(*)").aggregation()).isNotNull();
    }

    @Test
    void positionsOfTheSelectListStayAndPositionsPastItAreTheShardsError() {
        var shape = select("SELECT customer, avg(amount) FROM orders GROUP BY 1, region ORDER BY 2, region");
        assertThat(shape.shardSql()).isEqualTo("SELECT customer, sum(amount), count(amount), avg(amount), region"
                + " FROM orders GROUP BY 1, region ORDER BY 4, region");
        assertThat(shape.sortKeys()).containsExactly(new SortKey(1, null, false, false), new SortKey(2, null, false, false));
        // PostgreSQL's 42P10 from every shard
        assertThat(select("SELECT id FROM orders ORDER BY 2").shardSql()).isEqualTo("SELECT id FROM orders ORDER BY 2");
    }

    @Test
    void distinctAndStarAndAliasesThatMayBeInputColumnsAreRefused() {
        assertThat(refusal("SELECT DISTINCT id FROM orders ORDER BY amount")).contains("select list");
        assertThat(refusal("SELECT * FROM t a JOIN u b ON a.id = b.id ORDER BY a.v")).contains("select list");
        assertThat(refusal("SELECT amount AS customer, count(*) FROM orders GROUP BY customer")).contains("output name");
    }

    @Test
    void theSameItemIsHiddenOnce() {
        var shape = select("SELECT count(*) FROM orders GROUP BY region ORDER BY region, region DESC");
        assertThat(shape.hiddenColumns()).isEqualTo(1);
        assertThat(shape.shardSql()).isEqualTo("SELECT count(*), region FROM orders GROUP BY region ORDER BY region, region DESC");
    }
}
