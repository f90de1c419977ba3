package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** INSERT without a column list: its values named once the relation's column order is known. */
class PositionalInsertTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    private static Statement statement(String sql) {
        return analyzer.analyze(sql).statements().getFirst();
    }

    @Test
    void valuesAreNamedInColumnOrderAndRestrictTheTarget() {
        Statement insert = statement("INSERT INTO t VALUES (1, 'a', now()), ($1, DEFAULT, 3)");
        assertThat(PositionalInsert.relationOf(insert)).isEqualTo(new TableRef(null, "t", null));
        assertThat(insert.writes().getFirst().unknownRows()).isEqualTo("INSERT without a column list");

        Statement named = PositionalInsert.named(insert, List.of("id", "v", "w"));
        assertThat(Rendered.rows(new Analysis(List.of(named), null))).containsExactly("t(id=1, v='a')", "t(id=$1, w=3)");
        assertThat(named.filters()).extracting(Rendered::key).containsExactly("t.id=1|$1");
        assertThat(named.writes().getFirst().unknownRows()).isNull();
    }

    @Test
    void morePositionsThanColumnsNameTheFirstOnes() {
        Statement named = PositionalInsert.named(statement("INSERT INTO t VALUES (7, 8, 9)"), List.of("id", "v"));
        assertThat(named.insertRows().getFirst().values()).containsOnlyKeys("id", "v");
    }

    @Test
    void otherFormsKeepTheirRefusal() {
        assertThat(PositionalInsert.relationOf(statement("INSERT INTO t VALUES ((SELECT max(id) FROM t), 1)"))).isNull();
        assertThat(PositionalInsert.relationOf(statement("INSERT INTO t SELECT * FROM u"))).isNull();
        assertThat(PositionalInsert.relationOf(statement("INSERT INTO t (id) VALUES (1)"))).isNull();
        assertThat(PositionalInsert.relationOf(statement("INSERT INTO t VALUES (1) RETURNING (SELECT 1 FROM u)"))).isNull();
        assertThat(PositionalInsert.relationOf(statement("WITH x AS (INSERT INTO t VALUES (1) RETURNING id) SELECT * FROM x")))
                .isNull();
    }
}
