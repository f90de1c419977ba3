package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.Collated;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Names in multi-shard SELECTs: which functions may be called, which column an ORDER BY name means, what decides a collation. */
class MultiShardNamesTest {
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

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT myagg(amount) FROM orders",
            "SELECT customer, myagg(amount) FROM orders GROUP BY customer",
            "SELECT id FROM orders WHERE my_check(id)",
            "SELECT public.lower(customer) FROM orders",
            "SELECT id FROM orders ORDER BY myagg(id)",
            "SELECT id, (SELECT myagg(o.amount)) FROM orders o",
    })
    void functionsThatAreNotBuiltInAreRefusedByName(String sql) {
        assertThat(refusal(sql)).contains("function").contains("cannot tell whether it is an aggregate");
    }

    @Test
    void theRefusalNamesTheFunction() {
        assertThat(refusal("SELECT s.myagg(amount) FROM orders")).startsWith("function s.myagg is not a built-in");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT lower(customer), length(note), pg_catalog.upper(customer) FROM orders",
            "SELECT extract(year FROM at), substring(note FROM 2), trim(note), now() FROM orders WHERE id > 3",
            "SELECT count(*), sum(qty), pg_catalog.max(id) FROM orders",
    })
    void builtInFunctionsPass(String sql) {
        select(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {"string_agg(customer, ',')", "array_agg(id)", "stddev(qty)", "bit_and(qty)", "json_agg(id)",
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY qty)", "mode() WITHIN GROUP (ORDER BY qty)"})
    void builtInAggregatesTheMergerCannotCombineAreRefused(String call) {
        assertThat(refusal("SELECT " + call + " FROM orders")).contains("cannot be merged from several shards");
    }

    @Test
    void boolAggregatesAreTheLeastAndGreatestOfTheShards() {
        var shape = select("SELECT customer, bool_and(paid), every(paid), bool_or(paid) FROM orders GROUP BY customer");
        assertThat(shape.aggregation().columns()).containsExactly(new OutputColumn.Key(0, true),
                new OutputColumn.Aggregate(AggregateKind.MIN, 1), new OutputColumn.Aggregate(AggregateKind.MIN, 2),
                new OutputColumn.Aggregate(AggregateKind.MAX, 3));
    }

    @Test
    void aQualifiedOrderByNameIsAnInputColumnNotTheSelectedColumnOfThatName() {
        // a.v is not the selected b.v: the shards return it as a hidden column
        var hidden = select("SELECT a.id, b.v FROM t a JOIN u b ON a.id = b.id ORDER BY a.v LIMIT 3");
        assertThat(hidden.shardSql()).isEqualTo("SELECT a.id, b.v, a.v FROM t a JOIN u b ON a.id = b.id ORDER BY a.v LIMIT 3");
        assertThat(hidden.sortKeys()).containsExactly(new SortKey(2, null, false, false));
        assertThat(hidden.hiddenColumns()).isEqualTo(1);
        assertThat(select("SELECT a.id, b.v FROM t a JOIN u b ON a.id = b.id ORDER BY b.v").sortKeys())
                .containsExactly(new SortKey(1, null, false, false));
    }

    @Test
    void aBareOrderByNameIsAnOutputColumnFirst() {
        assertThat(select("SELECT a.id, b.v FROM t a JOIN u b ON a.id = b.id ORDER BY v").sortKeys())
                .containsExactly(new SortKey(1, null, false, false));
        // id::text is named id: ORDER BY id sorts the text, as PostgreSQL does
        assertThat(select("SELECT id::text, amount FROM orders ORDER BY id").sortKeys())
                .containsExactly(new SortKey(0, null, false, false));
        assertThat(select("SELECT 1::int AS x, lower(customer), amount FROM orders ORDER BY lower").sortKeys())
                .containsExactly(new SortKey(1, null, false, false));
    }

    @Test
    void aBareInputColumnIsTheSelectedColumnOnlyWhenThatIsCertain() {
        assertThat(select("SELECT o.customer AS who FROM orders o ORDER BY customer").sortKeys())
                .containsExactly(new SortKey(0, null, false, false));
        var hidden = select("SELECT a.id AS x, b.v AS y FROM t a JOIN u b ON a.id = b.id ORDER BY v");
        assertThat(hidden.shardSql()).isEqualTo("SELECT a.id AS x, b.v AS y, v FROM t a JOIN u b ON a.id = b.id ORDER BY v");
        assertThat(hidden.sortKeys()).containsExactly(new SortKey(2, null, false, false));
        assertThat(refusal("SELECT xmlelement(name e, id), amount FROM orders ORDER BY e")).contains("cannot tell");
    }

    @Test
    void underStarAQualifiedNameMustBeOfTheOnlyTable() {
        assertThat(select("SELECT * FROM orders o ORDER BY o.amount").sortKeys())
                .containsExactly(new SortKey(-1, "amount", false, false));
        assertThat(refusal("SELECT * FROM t a JOIN u b ON a.id = b.id ORDER BY a.v")).contains("select list");
    }

    @Test
    void collationInputsAreReadFromTheExpressions() {
        var plain = select("SELECT customer, lower(o.note) FROM orders o ORDER BY customer, 2 DESC, customer COLLATE pg_catalog.\"POSIX\"");
        assertThat(plain.collations().sortKeys()).containsExactly(
                new Collated(null, List.of(), List.of(List.of("customer")), true, false),
                new Collated(null, List.of(), List.of(List.of("o", "note")), false, false),
                new Collated("pg_catalog.POSIX", List.of(), List.of(List.of("customer")), true, false));
        var aggregated = select("SELECT min(note COLLATE \"C\"), max(lower(customer)) FROM orders");
        assertThat(aggregated.collations().extremes()).containsEntry(0, new Collated("C", List.of(), List.of(List.of("note")), true, false))
                .containsEntry(1, new Collated(null, List.of(), List.of(List.of("customer")), false, false));
        assertThat(select("SELECT id, (SELECT min(v) FROM r) AS m FROM orders ORDER BY m").collations().sortKey(0).opaque()).isTrue();
        assertThat(select("SELECT max(note), count(*) FROM orders ORDER BY 1").collations().sortKey(0))
                .isEqualTo(new Collated(null, List.of(), List.of(List.of("note")), true, false));
        assertThat(select("SELECT a.id FROM orders a JOIN (SELECT 1 AS k) s ON true, items i").collations().from())
                .isEqualTo(new MultiShardShape.FromScope(List.of(new TableRef(null, "orders", "a"), new TableRef(null, "items", "i")), true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT (SELECT max(o.qty)) FROM orders o",
            "SELECT id, (SELECT count(o.note) FROM ref r WHERE r.k = 1) FROM orders o",
            "SELECT id FROM orders o ORDER BY (SELECT sum(qty))",
    })
    void aSubqueryAggregatingOuterColumnsIsRefused(String sql) {
        assertThat(refusal(sql)).contains("aggregates the rows of an outer query");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT id, (SELECT max(r.v) FROM ref r WHERE r.k = o.id) FROM orders o",
            "SELECT id, (SELECT count(*)) FROM orders o",
            "SELECT id FROM orders WHERE qty IN (SELECT max(k) FROM ref GROUP BY v)",
    })
    void aSubqueryAggregatingItsOwnRowsPasses(String sql) {
        select(sql);
    }
}
