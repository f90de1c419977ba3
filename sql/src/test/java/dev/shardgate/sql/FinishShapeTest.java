package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How a SELECT the shards cannot answer alone is finished on one backend: the references pulled,
 * their columns and pushed filters, and the text that reads the temporary tables. orders and items
 * are distributed, rates is a reference relation, notes is unknown to the router.
 */
class FinishShapeTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);
    private static final Map<String, Placement> PLACEMENTS = Map.of(
            "orders", new Placement.Distributed("ds1", List.of("id"), List.of("ident")),
            "items", new Placement.Distributed("ds2", List.of("order_id"), List.of("ident")),
            "rates", new Placement.Reference());
    private static final Placement.Lookup LOOKUP = table -> PLACEMENTS.getOrDefault(table.name(), new Placement.Other());

    private static FinishShape.Finish finish(String sql, boolean pullReferences) {
        FinishShape shape = analyzer.finishShape(sql, LOOKUP, pullReferences);
        assertThat(shape).as(sql).isInstanceOf(FinishShape.Finish.class);
        return (FinishShape.Finish) shape;
    }

    private static String refusal(String sql) {
        FinishShape shape = analyzer.finishShape(sql, LOOKUP, false);
        assertThat(shape).as(sql).isInstanceOf(FinishShape.Refused.class);
        return ((FinishShape.Refused) shape).reason();
    }

    @Test
    void eachReferenceReadsItsTemporaryTableUnderItsOwnName() {
        FinishShape.Finish finish = finish("SELECT o.id, items.qty FROM public.orders o JOIN items ON items.sku = o.sku"
                + " WHERE o.total > 10 AND items.qty IS NOT NULL AND o.id = $1", false);
        assertThat(finish.finishSql()).isEqualTo("SELECT o.id, items.qty FROM pg_temp.sg_finish_1 o JOIN pg_temp.sg_finish_2"
                + " AS \"items\" ON items.sku = o.sku WHERE o.total > 10 AND items.qty IS NOT NULL AND o.id = $1");
        FinishShape.Pull orders = finish.pulls().get(0);
        assertThat(orders.refName()).isEqualTo("o");
        assertThat(orders.allColumns()).isFalse();
        assertThat(orders.names()).contains("id", "qty", "sku", "total");
        // a parameter is not pushed: COPY takes none
        assertThat(orders.filter()).extracting(FinishShape.Conjunct::sql).containsExactly("(\"o\".\"total\" > (10))");
        assertThat(finish.pulls().get(1).filter()).extracting(FinishShape.Conjunct::sql)
                .containsExactly("(\"items\".\"qty\" IS NOT NULL)");
    }

    @Test
    void theNullExtendedSideOfAnOuterJoinIsNotFilteredBeforeTheJoin() {
        FinishShape.Finish finish = finish("SELECT * FROM orders o LEFT JOIN items i ON i.sku = o.sku WHERE i.qty IS NULL"
                + " AND o.total BETWEEN 1 AND 5", false);
        assertThat(finish.pulls().get(0).filter()).extracting(FinishShape.Conjunct::sql)
                .containsExactly("(\"o\".\"total\" BETWEEN (1) AND (5))");
        assertThat(finish.pulls().get(1).filter()).isEmpty();
        assertThat(finish.pulls()).allMatch(FinishShape.Pull::allColumns);
    }

    @Test
    void unqualifiedConjunctsNameTheirColumnsAndFunctionsAreNotPushed() {
        FinishShape.Finish finish = finish("SELECT sku, sum(total) / count(*) FROM orders WHERE txt LIKE 'a%' AND"
                + " lower(txt) = 'x' AND (total IN (1, 2) OR NOT flag) GROUP BY sku HAVING count(*) > 1", false);
        FinishShape.Pull orders = finish.pulls().getFirst();
        assertThat(orders.filter()).extracting(FinishShape.Conjunct::sql)
                .containsExactly("(\"txt\" ~~ 'a%')", "((\"total\" IN ((1), (2))) OR (NOT \"flag\"))");
        assertThat(orders.filter().get(1).unqualifiedNames()).containsExactlyInAnyOrder("total", "flag");
    }

    @Test
    void setOperationsSubqueriesAndWithQueriesPullEveryReference() {
        FinishShape.Finish finish = finish("WITH s AS (SELECT id FROM orders WHERE id > 2) SELECT id FROM s UNION"
                + " SELECT order_id FROM items WHERE order_id IN (SELECT id FROM orders)", false);
        assertThat(finish.pulls()).extracting(p -> p.table().name()).containsExactly("orders", "items", "orders");
        assertThat(finish.finishSql()).isEqualTo("WITH s AS (SELECT id FROM pg_temp.sg_finish_1 AS \"orders\" WHERE id > 2)"
                + " SELECT id FROM s UNION SELECT order_id FROM pg_temp.sg_finish_2 AS \"items\" WHERE order_id IN"
                + " (SELECT id FROM pg_temp.sg_finish_3 AS \"orders\")");
        assertThat(finish.pulls().get(1).filter()).isEmpty(); // a subquery is not pushed
    }

    @Test
    void referenceRelationsArePulledOnlyWhenAsked() {
        assertThat(finish("SELECT * FROM orders JOIN rates ON rates.code = orders.code", false).pulls()).hasSize(1);
        assertThat(finish("SELECT * FROM orders JOIN rates ON rates.code = orders.code", true).pulls()).hasSize(2);
    }

    @Test
    void qualifiedStarsNeedEveryColumn() {
        FinishShape.Finish finish = finish("SELECT o.*, i.qty FROM orders o JOIN items i ON i.sku = o.sku", false);
        assertThat(finish.pulls().get(0).allColumns()).isTrue();
        assertThat(finish.pulls().get(1).allColumns()).isFalse();
        assertThat(refusal("SELECT count(DISTINCT o) FROM orders o")).contains("whole-row reference to o");
    }

    @Test
    void refusesWhatOneBackendCannotFinish() {
        assertThat(refusal("SELECT * FROM orders FOR UPDATE")).contains("FOR UPDATE");
        assertThat(refusal("WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d")).contains("data-modifying");
        assertThat(refusal("SELECT * FROM orders JOIN notes ON notes.id = orders.id")).contains("notes");
        assertThat(refusal("SELECT my_func(id) FROM orders")).contains("my_func");
        assertThat(refusal("SELECT public.orders.id FROM public.orders")).contains("schema");
        assertThat(refusal("INSERT INTO orders SELECT * FROM items")).contains("only a SELECT");
    }

    private static final FinishShape.Function COUNT_BETWEEN = new FinishShape.Function("public", "count_between",
            "(lo integer, hi integer) RETURNS bigint LANGUAGE sql STABLE",
            " SELECT count(*) FROM orders WHERE id >= lo AND id < hi ");
    private static final FinishShape.Function TWICE = new FinishShape.Function("app", "twice",
            "(n integer) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT", "SELECT public.count_between(0, n) * 2");

    @Test
    void functionsReadingDistributedRelationsAreCopiedToPgTempOverTheirRelationsPulledWhole() {
        FinishShape shape = analyzer.finishShape("SELECT id, count_between(0, id), app.twice(id) FROM orders WHERE id = 7",
                LOOKUP, false, List.of(COUNT_BETWEEN, TWICE));
        FinishShape.Finish finish = (FinishShape.Finish) shape;
        assertThat(finish.finishSql()).isEqualTo("SELECT id, pg_temp.\"count_between\"(0, id), pg_temp.\"twice\"(id)"
                + " FROM pg_temp.sg_finish_1 AS \"orders\" WHERE id = 7");
        assertThat(finish.pulls()).extracting(FinishShape.Pull::tempName).containsExactly("sg_finish_1", "sg_function1_1");
        FinishShape.Pull body = finish.pulls().get(1);
        // the body's conjuncts name the function's arguments: its relation comes whole
        assertThat(body.allColumns()).isTrue();
        assertThat(body.filter()).isEmpty();
        assertThat(finish.functionDefinitions()).containsExactly(
                "CREATE FUNCTION pg_temp.\"count_between\"(lo integer, hi integer) RETURNS bigint LANGUAGE sql STABLE AS"
                        + " $sg$ SELECT count(*) FROM pg_temp.sg_function1_1 AS \"orders\" WHERE id >= lo AND id < hi $sg$",
                "CREATE FUNCTION pg_temp.\"twice\"(n integer) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS"
                        + " $sg$SELECT pg_temp.\"count_between\"(0, n) * 2$sg$");
        // a statement that reads no relation itself is finished for its functions alone
        assertThat(analyzer.finishShape("SELECT count_between(1, 2)", LOOKUP, false, List.of(COUNT_BETWEEN)))
                .isInstanceOf(FinishShape.Finish.class);
    }

    @Test
    void aFunctionWhoseBodyCannotBeSplicedRefusesTheStatement() {
        FinishShape.Function writes = new FinishShape.Function("public", "bump", "() RETURNS void LANGUAGE sql VOLATILE",
                "UPDATE orders SET total = total + 1");
        FinishShape shape = analyzer.finishShape("SELECT bump()", LOOKUP, false, List.of(writes));
        assertThat(((FinishShape.Refused) shape).reason()).contains("function public.bump").contains("only a SELECT");
        assertThat(refusal("SELECT count_between(1, 2) FROM orders")).contains("count_between");
    }
}
