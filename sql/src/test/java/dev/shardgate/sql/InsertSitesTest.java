package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading INSERTs for an added column, and the texts with the column added. */
class InsertSitesTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    /** The text with column {@code id} added to its only INSERT, valued {@code values} row by row. */
    private static String withId(String sql, String... values) {
        InsertSites sites = analyzer.insertSites(sql);
        assertThat(sites.isRead()).isTrue();
        assertThat(sites.inserts()).hasSize(1);
        assertThat(sites.inserts().getFirst()).as(sql).isInstanceOf(InsertSite.Values.class);
        InsertSite.Values insert = (InsertSite.Values) sites.inserts().getFirst();
        List<List<String>> rows = java.util.Arrays.stream(values).map(List::of).toList();
        String filled = sites.withColumns(List.of(new InsertSites.Addition(insert, List.of("id"), rows)));
        assertThat(analyzer.analyze(filled).isParsed()).as(filled).isTrue();
        return filled;
    }

    private static String formOf(String sql) {
        InsertSites sites = analyzer.insertSites(sql);
        assertThat(sites.inserts()).as(sql).hasSize(1);
        assertThat(sites.inserts().getFirst()).as(sql).isInstanceOf(InsertSite.Other.class);
        return ((InsertSite.Other) sites.inserts().getFirst()).form();
    }

    @Test
    void addsTheColumnToTheListAndAValueToEveryRow() {
        assertThat(withId("INSERT INTO orders (name, amount) VALUES ('a', 1), ('b', 2)", "101", "102"))
                .isEqualTo("INSERT INTO orders (name, amount, \"id\") VALUES ('a', 1, 101), ('b', 2, 102)");
    }

    @Test
    void readsTableAndColumnsAsTheParserFoldsThem() {
        InsertSite site = analyzer.insertSites("insert into Sales.\"Orders\" AS o (\"Name\", Amount) values (1, 2)")
                .inserts().getFirst();
        assertThat(site.table()).isEqualTo(new TableRef("sales", "Orders", "o"));
        assertThat(site.columns()).containsExactly("Name", "amount");
    }

    @Test
    void keepsQuotesCommentsAndNestedParenthesesIntact() {
        assertThat(withId("""
                INSERT INTO "my (table)" /* (cols) */ ("a)", b -- trailing )
                ) VALUES ('it''s )', (1 + 2) * 3), (E'\\\\)', f(g(1), ')')) -- done )""", "7", "8"))
                .isEqualTo("""
                        INSERT INTO "my (table)" /* (cols) */ ("a)", b -- trailing )
                        , "id") VALUES ('it''s )', (1 + 2) * 3, 7), (E'\\\\)', f(g(1), ')'), 8) -- done )""");
    }

    @Test
    void keepsReturningOnConflictAndTheStatementsAround() {
        String sql = "SELECT 1; INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id, a; SELECT $2";
        InsertSites sites = analyzer.insertSites(sql);
        assertThat(sites.highestParameter()).isEqualTo(2);
        InsertSite.Values insert = (InsertSite.Values) sites.inserts().getFirst();
        assertThat(sites.withColumns(List.of(new InsertSites.Addition(insert, List.of("id", "Serial \"no\""),
                List.of(List.of("$3", "$4"))))))
                .isEqualTo("SELECT 1; INSERT INTO t (a, \"id\", \"Serial \"\"no\"\"\") VALUES ($1, $3, $4)"
                        + " ON CONFLICT DO NOTHING RETURNING id, a; SELECT $2");
    }

    @Test
    void findsEachInsertOfAQueryString() {
        String sql = "INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2), (3)";
        InsertSites sites = analyzer.insertSites(sql);
        var first = (InsertSite.Values) sites.inserts().get(0);
        var second = (InsertSite.Values) sites.inserts().get(1);
        assertThat(sites.withColumns(List.of(
                new InsertSites.Addition(first, List.of("id"), List.of(List.of("10"))),
                new InsertSites.Addition(second, List.of("id"), List.of(List.of("11"), List.of("12"))))))
                .isEqualTo("INSERT INTO t (a, \"id\") VALUES (1, 10); INSERT INTO t (a, \"id\") VALUES (2, 11), (3, 12)");
    }

    @Test
    void multibyteTextBeforeTheInsertKeepsOffsetsRight() {
        assertThat(withId("/* ключ 😀 */ INSERT INTO t (a) VALUES ('ü')", "1"))
                .isEqualTo("/* ключ 😀 */ INSERT INTO t (a, \"id\") VALUES ('ü', 1)");
    }

    @Test
    void namesTheFormsNoColumnCanBeAddedTo() {
        assertThat(formOf("INSERT INTO t VALUES (1, 2)")).isEqualTo("INSERT without a column list");
        assertThat(formOf("INSERT INTO t DEFAULT VALUES")).isEqualTo("INSERT … DEFAULT VALUES");
        assertThat(formOf("INSERT INTO t (a) SELECT a FROM s")).isEqualTo("INSERT … SELECT");
        assertThat(formOf("INSERT INTO t (a) VALUES (1) ORDER BY 1")).isEqualTo("INSERT … SELECT");
        assertThat(formOf("EXPLAIN INSERT INTO t (a) VALUES (1)")).isEqualTo("INSERT inside another statement");
        assertThat(formOf("PREPARE p AS INSERT INTO t (a) VALUES ($1)")).isEqualTo("INSERT inside another statement");
        InsertSites cte = analyzer.insertSites("WITH n AS (INSERT INTO t (a) VALUES (1) RETURNING *) SELECT * FROM n");
        assertThat(cte.inserts()).singleElement().isInstanceOf(InsertSite.Other.class);
    }

    @Test
    void anInsertWithItsOwnWithClauseIsStillAVALUESInsert() {
        assertThat(withId("WITH x AS (VALUES (1)) INSERT INTO t (a) VALUES ((SELECT 1 FROM x))", "5"))
                .isEqualTo("WITH x AS (VALUES (1)) INSERT INTO t (a, \"id\") VALUES ((SELECT 1 FROM x), 5)");
    }

    @Test
    void unreadableTextSaysSo() {
        assertThat(analyzer.insertSites("INSERT INTO t (a) VALUES (").isRead()).isFalse();
        assertThat(analyzer.insertSites("SELECT 1").isRead()).isTrue();
        assertThat(analyzer.insertSites("SELECT 1").inserts()).isEmpty();
    }
}
