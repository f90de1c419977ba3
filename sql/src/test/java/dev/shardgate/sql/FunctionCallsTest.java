package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The functions a statement calls, wherever it calls them: the router asks the catalog about them. */
class FunctionCallsTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(100);

    private static java.util.List<String> called(String sql) {
        Analysis analysis = analyzer.analyze(sql);
        assertThat(analysis.parseError()).as(sql).isNull();
        return analysis.statements().getFirst().functions().stream().map(FunctionRef::qualifiedName).toList();
    }

    @Test
    void functionsInTheSelectListFromClauseConditionsAndCallAreFound() {
        assertThat(called("SELECT count_orders(), lower('A')")).containsExactly("count_orders", "lower");
        assertThat(called("SELECT * FROM app.orders_of(3) o WHERE o.total > pg_catalog.abs(-1)"))
                .containsExactly("app.orders_of", "pg_catalog.abs");
        assertThat(called("CALL archive_orders(7)")).containsExactly("archive_orders");
        assertThat(called("SELECT 1 WHERE EXISTS (SELECT f(x) FROM t)")).containsExactly("f");
    }

    @Test
    void statementsWithoutCallsHaveNone() {
        assertThat(called("SELECT a, b FROM t WHERE id = 1")).isEmpty();
        assertThat(called("SELECT count(*) FROM t")).containsExactly("count");
    }

    @Test
    void textsThatDifferInConstantsShareTheirFunctions() {
        assertThat(called("SELECT f(1) FROM t WHERE id = 10")).containsExactly("f");
        assertThat(called("SELECT f(2) FROM t WHERE id = 11")).containsExactly("f");
    }
}
