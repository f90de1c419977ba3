package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules that decide which key values a statement is restricted to, and when there are none. */
class KeyFilterTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    private static List<String> keys(String sql) {
        Analysis analysis = analyzer.analyze(sql);
        assertThat(analysis.parseError()).as(sql).isNull();
        return Rendered.keys(analysis);
    }

    private static List<String> ranges(String sql) {
        Analysis analysis = analyzer.analyze(sql);
        assertThat(analysis.parseError()).as(sql).isNull();
        return Rendered.ranges(analysis);
    }

    private static KeyFilter onlyFilter(String sql) {
        List<KeyFilter> filters = analyzer.analyze(sql).statements().getFirst().filters();
        assertThat(filters).as(sql).hasSize(1);
        return filters.getFirst();
    }

    @Test
    void columnEqualsConstantOrParameterEitherWayRound() {
        assertThat(keys("SELECT * FROM t WHERE id = 5")).containsExactly("t.id=5");
        assertThat(keys("SELECT * FROM t WHERE 5 = id")).containsExactly("t.id=5");
        assertThat(keys("SELECT * FROM t WHERE id = $3")).containsExactly("t.id=$3");
        assertThat(keys("SELECT * FROM t WHERE name = 'x'")).containsExactly("t.name='x'");
    }

    @Test
    void inListOfConstantsAndParameters() {
        assertThat(keys("SELECT * FROM t WHERE id IN (1, 2, $3)")).containsExactly("t.id=1|2|$3");
        assertThat(keys("SELECT * FROM t WHERE id IN (1, 1, 2)")).containsExactly("t.id=1|2");
    }

    @Test
    void castsAreUnwrappedAndTheirTypeRecorded() {
        KeyFilter cast = onlyFilter("SELECT * FROM t WHERE id = 5::bigint");
        assertThat(cast.values()).containsExactly(new Value.Literal("5", LiteralKind.INTEGER, "int8"));

        KeyFilter uuid = onlyFilter("SELECT * FROM t WHERE id = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid");
        assertThat(uuid.values()).containsExactly(
                new Value.Literal("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", LiteralKind.STRING, "uuid"));

        KeyFilter castFunction = onlyFilter("SELECT * FROM t WHERE id = CAST(7 AS int)");
        assertThat(castFunction.values()).containsExactly(new Value.Literal("7", LiteralKind.INTEGER, "int4"));

        KeyFilter param = onlyFilter("SELECT * FROM t WHERE id = $1::bigint");
        assertThat(param.values()).containsExactly(new Value.Param(1));

        KeyFilter nested = onlyFilter("SELECT * FROM t WHERE id = '5'::text::int");
        assertThat(nested.values()).containsExactly(new Value.Literal("5", LiteralKind.STRING, "int4"));
    }

    @Test
    void literalKinds() {
        assertThat(onlyFilter("SELECT * FROM t WHERE a = 1.25").values())
                .containsExactly(new Value.Literal("1.25", LiteralKind.FLOAT, null));
        assertThat(onlyFilter("SELECT * FROM t WHERE a = true").values())
                .containsExactly(new Value.Literal("true", LiteralKind.BOOLEAN, null));
        assertThat(onlyFilter("SELECT * FROM t WHERE a = false").values())
                .containsExactly(new Value.Literal("false", LiteralKind.BOOLEAN, null));
        assertThat(onlyFilter("SELECT * FROM t WHERE a = NULL").values())
                .containsExactly(new Value.Literal(null, LiteralKind.NULL, null));
        assertThat(onlyFilter("SELECT * FROM t WHERE a = 9223372036854775808").values())
                .containsExactly(new Value.Literal("9223372036854775808", LiteralKind.INTEGER, null));
    }

    @Test
    void negativeAndZeroIntegersKeepTheirValue() {
        // libpg_query 15-4.0.0 prints both as {"ival": {}}; the value is read back from the text.
        assertThat(keys("SELECT * FROM t WHERE id = -7")).containsExactly("t.id=-7");
        assertThat(keys("SELECT * FROM t WHERE id = - 7")).containsExactly("t.id=-7");
        assertThat(keys("SELECT * FROM t WHERE id = -(7)")).containsExactly("t.id=-7");
        assertThat(keys("SELECT * FROM t WHERE id = - /* 5 */ 7")).containsExactly("t.id=-7");
        assertThat(keys("SELECT * FROM t WHERE id = -2147483648")).containsExactly("t.id=-2147483648");
        assertThat(keys("SELECT * FROM t WHERE id = 0")).containsExactly("t.id=0");
        assertThat(keys("SELECT * FROM t WHERE id = -0")).containsExactly("t.id=0");
        assertThat(keys("SELECT * FROM t WHERE id = - -7")).containsExactly("t.id=7");
        assertThat(keys("SELECT * FROM t WHERE id IN (-1, 0, 1)")).containsExactly("t.id=-1|0|1");
        assertThat(keys("SELECT * FROM t WHERE id = (-5)::bigint")).containsExactly("t.id=-5");
    }

    @Test
    void qualifiedAndAliasedColumnsResolveToTheirTableRef() {
        KeyFilter aliased = onlyFilter("SELECT * FROM s.accounts a WHERE a.id = 1");
        assertThat(aliased.table()).isEqualTo(new TableRef("s", "accounts", "a"));
        assertThat(aliased.column()).isEqualTo("id");

        assertThat(onlyFilter("SELECT * FROM s.accounts WHERE s.accounts.id = 1").table())
                .isEqualTo(new TableRef("s", "accounts", null));
        assertThat(onlyFilter("SELECT * FROM s.accounts WHERE accounts.id = 1").table())
                .isEqualTo(new TableRef("s", "accounts", null));
        assertThat(onlyFilter("SELECT * FROM \"Users\" u WHERE u.\"Id\" = 1").table())
                .isEqualTo(new TableRef(null, "Users", "u"));
    }

    @Test
    void unqualifiedColumnWithOneTableResolvesToIt() {
        assertThat(onlyFilter("SELECT * FROM accounts AS a WHERE id = 1").table()).isEqualTo(new TableRef(null, "accounts", "a"));
        assertThat(keys("UPDATE t SET v = 1 WHERE id = 2")).containsExactly("t.id=2");
        assertThat(keys("DELETE FROM t WHERE id = 2")).containsExactly("t.id=2");
    }

    @Test
    void ambiguousUnqualifiedColumnGivesNoKey() {
        assertThat(keys("SELECT * FROM a, b WHERE id = 5")).isEmpty();
        assertThat(keys("SELECT * FROM a JOIN b ON a.x = b.x WHERE id = 5")).isEmpty();
        assertThat(keys("SELECT * FROM a, generate_series(1, 3) g WHERE id = 5")).isEmpty();
        assertThat(keys("UPDATE a SET v = 1 FROM b WHERE id = 5")).isEmpty();
        assertThat(keys("DELETE FROM a USING b WHERE id = 5")).isEmpty();
    }

    @Test
    void qualifierThatMatchesNothingOrSeveralGivesNoKey() {
        assertThat(keys("SELECT * FROM accounts a WHERE accounts.id = 5")).isEmpty();
        assertThat(keys("SELECT * FROM x.t, y.t WHERE t.id = 5")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE public.t.id = 5")).isEmpty();
    }

    @Test
    void orOfRestrictionsOfOneColumnIsTheirUnion() {
        assertThat(keys("SELECT * FROM t WHERE id = 1 OR id = 2")).containsExactly("t.id=1|2");
        assertThat(keys("SELECT * FROM t WHERE id = 1 OR id IN (2, $1)")).containsExactly("t.id=1|2|$1");
        assertThat(keys("SELECT * FROM t WHERE (id = 1 AND v = 2) OR v = 3")).containsExactly("t.v=2|3");
        assertThat(keys("SELECT * FROM t WHERE v = 3 AND (id = 1 OR id = 2)")).containsExactly("t.v=3", "t.id=1|2");
        assertThat(ranges("SELECT * FROM t WHERE id < 5 OR id = 7 OR id BETWEEN 10 AND $1"))
                .containsExactly("t.id in (-∞, 5) | [7, 7] | [10, $1]");
    }

    @Test
    void orWithAnArmThatDoesNotRestrictTheColumnGivesNoKey() {
        assertThat(keys("SELECT * FROM t WHERE id = 1 OR v = 2")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id < 1 OR v = 2")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = 1 OR id IS NULL")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = 1 OR NOT id = 2")).isEmpty();
    }

    @Test
    void notGivesNoKey() {
        assertThat(keys("SELECT * FROM t WHERE NOT id = 1")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE NOT (id = 1 AND v = 2)")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id NOT IN (1, 2)")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id <> 1")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id IS DISTINCT FROM 1")).isEmpty();
    }

    @Test
    void rangesAreConditionsThatAllHold() {
        assertThat(keys("SELECT * FROM t WHERE id < 5")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id < 5")).containsExactly("t.id in (-∞, 5)");
        assertThat(ranges("SELECT * FROM t WHERE 5 <= id")).containsExactly("t.id in [5, ∞)");
        assertThat(ranges("SELECT * FROM t WHERE id >= 5 AND id <= $2")).containsExactly("t.id in [5, ∞)", "t.id in (-∞, $2]");
        assertThat(ranges("SELECT * FROM t WHERE id BETWEEN 5 AND 9")).containsExactly("t.id in [5, 9]");
        assertThat(ranges("SELECT * FROM t WHERE id OPERATOR(pg_catalog.>) 5")).containsExactly("t.id in (5, ∞)");
        assertThat(keys("SELECT * FROM t WHERE id BETWEEN 5 AND 5")).containsExactly("t.id=5");
    }

    @Test
    void rangesThatAreNotOfAColumnAndAConstantGiveNothing() {
        assertThat(ranges("SELECT * FROM t WHERE id LIKE '5'")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id NOT BETWEEN 5 AND 9")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id BETWEEN SYMMETRIC 9 AND 5")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id < v")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id + 1 < 5")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE NOT id < 5")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id < 5 IS TRUE")).isEmpty();
    }

    @Test
    void rangesCrossEqualitiesOfColumnsButNotSeveralUsesOfATable() {
        assertThat(ranges("SELECT * FROM a JOIN b ON a.id = b.a_id WHERE a.id > 5"))
                .containsExactlyInAnyOrder("a.id in (5, ∞)", "b.a_id in (5, ∞)");
        assertThat(ranges("SELECT * FROM t WHERE id > 5 UNION ALL SELECT * FROM t WHERE id > 7")).isEmpty();
        assertThat(ranges("SELECT * FROM t WHERE id > 5 AND EXISTS (SELECT 1 FROM t WHERE v = 1)")).isEmpty();
    }

    @Test
    void functionsAndExpressionsOfTheColumnGiveNoKey() {
        assertThat(keys("SELECT * FROM t WHERE lower(name) = 'x'")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id + 1 = 5")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id::text = '5'")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = 1 + 1")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = $1 + 1")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = now()")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = (SELECT 1)")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE data->>'id' = '5'")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id IN (1, now())")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE (id = 5) IS TRUE")).isEmpty();
    }

    @Test
    void anyOfAnArrayOfConstantsIsAList() {
        assertThat(keys("SELECT * FROM t WHERE id = ANY(ARRAY[1, $2])")).containsExactly("t.id=1|$2");
        assertThat(keys("SELECT * FROM t WHERE id = ANY($1)")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = ANY('{1,2}'::int[])")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id <> ANY(ARRAY[1, 2])")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = ALL(ARRAY[1, 2])")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id IN (SELECT id FROM u)")).isEmpty();
    }

    @Test
    void equalitiesCarryValuesAcrossColumnsOfOneConjunction() {
        assertThat(keys("SELECT * FROM a, b WHERE a.id = b.a_id AND a.id = 5")).containsExactlyInAnyOrder("a.id=5", "b.a_id=5");
        assertThat(keys("SELECT * FROM a JOIN b ON a.id = b.a_id WHERE a.id = $1")).containsExactlyInAnyOrder("a.id=$1", "b.a_id=$1");
        assertThat(keys("SELECT * FROM a JOIN b ON a.id = b.a_id JOIN c ON c.b_id = b.a_id WHERE c.b_id IN (1, 2)"))
                .containsExactlyInAnyOrder("a.id=1|2", "b.a_id=1|2", "c.b_id=1|2");
        assertThat(keys("SELECT * FROM a, b WHERE a.id = b.a_id")).isEmpty();
    }

    @Test
    void joinUsingEqualsBothSides() {
        assertThat(keys("SELECT * FROM a JOIN b USING (id) WHERE b.id = 3")).containsExactlyInAnyOrder("a.id=3", "b.id=3");
        assertThat(keys("SELECT * FROM a JOIN b USING (id) WHERE id = 3")).containsExactlyInAnyOrder("a.id=3", "b.id=3");
        assertThat(keys("SELECT * FROM a LEFT JOIN b USING (id) WHERE a.id = 3")).containsExactly("a.id=3");
    }

    @Test
    void ofTwoRestrictionsOnOneColumnTheNarrowerIsKept() {
        assertThat(keys("SELECT * FROM t WHERE id IN (1, 2, 3) AND id IN (2, 3)")).containsExactly("t.id=2|3");
        assertThat(keys("SELECT * FROM t WHERE id IN (1, 2) AND id = $1")).containsExactly("t.id=$1");
    }

    @Test
    void outerJoinConditionsRestrictNothing() {
        assertThat(keys("SELECT * FROM a LEFT JOIN b ON a.id = b.a_id AND b.a_id = 5")).isEmpty();
        assertThat(keys("SELECT * FROM a LEFT JOIN b ON a.id = b.a_id AND a.id = 5")).isEmpty();
        assertThat(keys("SELECT * FROM a FULL JOIN b ON a.id = b.id WHERE a.id = 5")).containsExactly("a.id=5");
        // An inner join nested on the null-extended side of an outer join restricts nothing either.
        assertThat(keys("SELECT * FROM a LEFT JOIN (b JOIN c ON b.id = c.b_id AND c.b_id = 5) ON a.id = b.id")).isEmpty();
        // The preserved side's inner joins still do.
        assertThat(keys("SELECT * FROM (a JOIN b ON a.id = b.a_id AND a.id = 5) LEFT JOIN c ON c.x = b.x"))
                .containsExactlyInAnyOrder("a.id=5", "b.a_id=5");
        assertThat(keys("SELECT * FROM a RIGHT JOIN b ON a.id = b.a_id AND a.id = 5 WHERE b.k = 1")).containsExactly("b.k=1");
    }

    @Test
    void innerJoinConditionsRestrictLikeWhere() {
        assertThat(keys("SELECT * FROM a JOIN b ON a.id = b.a_id AND b.a_id = 5")).containsExactlyInAnyOrder("a.id=5", "b.a_id=5");
        assertThat(keys("SELECT * FROM a JOIN b ON a.id = b.a_id OR b.a_id = 5")).isEmpty();
    }

    @Test
    void subqueryConditionsRestrictOnlyTheSubquerysOwnTables() {
        assertThat(keys("SELECT * FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id AND a.id = 5)")).containsExactly("b.a_id=5");
        assertThat(keys("SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.a_id = a.id AND a.id = 5)")).containsExactly("b.a_id=5");
        assertThat(keys("SELECT * FROM a WHERE a.x = 1 OR a.id IN (SELECT b.a_id FROM b WHERE b.k = 2)")).containsExactly("b.k=2");
        assertThat(keys("SELECT (SELECT max(v) FROM b WHERE b.k = 2) FROM a")).containsExactly("b.k=2");
        assertThat(keys("SELECT * FROM (SELECT * FROM b WHERE k = 2) s WHERE s.k = 3")).containsExactly("b.k=2");
    }

    @Test
    void unqualifiedColumnInACorrelatedSubqueryIsAmbiguous() {
        // Without the catalog, "k" could be a column of the outer table.
        assertThat(keys("SELECT * FROM a WHERE EXISTS (SELECT 1 FROM b WHERE k = 2)")).isEmpty();
        // A FROM subquery cannot see its siblings, so there is only one table in scope.
        assertThat(keys("SELECT * FROM a, (SELECT * FROM b WHERE k = 2) s")).containsExactly("b.k=2");
        assertThat(keys("SELECT * FROM a, LATERAL (SELECT * FROM b WHERE k = 2) s")).isEmpty();
    }

    @Test
    void cteBodiesAreAnalysedAndCteNamesAreNotTables() {
        Analysis analysis = analyzer.analyze("WITH x AS (SELECT * FROM t WHERE id = 5) SELECT * FROM x WHERE x.id = 6");
        assertThat(Rendered.tables(analysis)).containsExactly("t");
        assertThat(Rendered.keys(analysis)).containsExactly("t.id=5");
        assertThat(keys("WITH x AS (SELECT * FROM t) SELECT * FROM x WHERE id = 5")).isEmpty();
        // A schema-qualified name is a table even when a CTE has the same name.
        assertThat(Rendered.tables(analyzer.analyze("WITH t AS (SELECT 1) SELECT * FROM public.t, t")))
                .containsExactly("public.t");
    }

    @Test
    void dataModifyingCtesCount() {
        Analysis analysis = analyzer.analyze(
                "WITH moved AS (DELETE FROM queue WHERE shard_key = $1 RETURNING *) INSERT INTO done SELECT * FROM moved");
        assertThat(Rendered.tables(analysis)).containsExactly("done", "queue");
        assertThat(Rendered.keys(analysis)).containsExactly("queue.shard_key=$1");
    }

    @Test
    void aTableUsedSeveralTimesIsKeyedOnlyWhenEveryUseIs() {
        assertThat(keys("SELECT * FROM t WHERE id = 1 UNION ALL SELECT * FROM t WHERE id = 2")).containsExactly("t.id=1|2");
        assertThat(keys("SELECT * FROM t WHERE id = 1 UNION ALL SELECT * FROM t")).isEmpty();
        assertThat(keys("SELECT * FROM t WHERE id = 1 AND EXISTS (SELECT 1 FROM t WHERE t.v = 2)")).isEmpty();
        // Aliases tell uses apart: each alias is its own TableRef.
        Analysis selfJoin = analyzer.analyze("SELECT * FROM t p JOIN t c ON c.parent = p.id WHERE p.id = 1");
        assertThat(selfJoin.statements().getFirst().filters()).containsExactlyInAnyOrder(
                new KeyFilter(new TableRef(null, "t", "p"), "id", List.of(new Value.Literal("1", LiteralKind.INTEGER, null))),
                new KeyFilter(new TableRef(null, "t", "c"), "parent", List.of(new Value.Literal("1", LiteralKind.INTEGER, null))));
    }

    @Test
    void insertTargetIsAnUnrestrictedUse() {
        assertThat(keys("INSERT INTO t (id) SELECT id + 1 FROM t WHERE id = 5")).isEmpty();
        assertThat(keys("INSERT INTO t (id) SELECT id FROM u WHERE id = 5")).containsExactly("u.id=5");
    }

    @Test
    void rowComparisonsPairUp() {
        assertThat(keys("SELECT * FROM t WHERE (a, b) = (1, $2)")).containsExactlyInAnyOrder("t.a=1", "t.b=$2");
        assertThat(keys("SELECT * FROM t WHERE (a, b) = (1, b + 1)")).containsExactly("t.a=1");
    }

    @Test
    void explainAndPrepareCarryTheInnerStatementsKeys() {
        Statement explain = analyzer.analyze("EXPLAIN ANALYZE SELECT * FROM t WHERE id = 4").statements().getFirst();
        assertThat(explain.kind()).isEqualTo(StatementKind.EXPLAIN);
        assertThat(explain.filters()).extracting(Rendered::key).containsExactly("t.id=4");

        Statement prepare = analyzer.analyze("PREPARE q AS UPDATE t SET v = $2 WHERE id = $1").statements().getFirst();
        assertThat(prepare.kind()).isEqualTo(StatementKind.PREPARE);
        assertThat(prepare.filters()).extracting(Rendered::key).containsExactly("t.id=$1");
    }

    @Test
    void ddlIsNeverKeyed() {
        assertThat(keys("CREATE TABLE c AS SELECT * FROM t WHERE id = 1")).isEmpty();
        assertThat(keys("CREATE VIEW v AS SELECT * FROM t WHERE id = 1")).isEmpty();
        assertThat(keys("SELECT * INTO c FROM t WHERE id = 1")).isEmpty();
    }
}
