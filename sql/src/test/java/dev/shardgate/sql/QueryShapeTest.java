package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Texts answered from a shape must get exactly the analysis a parse gives them: every corpus
 * statement with constants is analysed once (which learns its shape), then with other constants,
 * and compared with a parse of that text.
 */
class QueryShapeTest {
    private final SqlAnalyzer shaped = new SqlAnalyzer(1000);
    private final SqlAnalyzer parsed = new SqlAnalyzer(0);

    @Test
    void constantsAreMaskedAsTheParserReadsThem() {
        ConstantMask mask = ConstantMask.of("UPDATE t SET b = b + -0042 WHERE a = 007 AND s = 'it''s' -- 5\n AND f = 1.5");

        assertThat(mask.masked()).isEqualTo("UPDATE t SET b = b + $1 WHERE a = $2 AND s = $3 -- 5\n AND f = 1.5");
        assertThat(mask.values()).containsExactly("-42", "7", "it's");
        assertThat(mask.kinds()).containsExactly(LiteralKind.INTEGER, LiteralKind.INTEGER, LiteralKind.STRING);
    }

    @Test
    void aMinusAfterAnOperandIsNotASign() {
        assertThat(ConstantMask.of("SELECT a-1, (-2), x - -3").masked()).isEqualTo("SELECT a-$1, ($2), x - $3");
        assertThat(ConstantMask.of("SELECT a-1, (-2), x - -3").values()).containsExactly("1", "-2", "-3");
    }

    @Test
    void integersBeyondInt4KeepTheirDigits() {
        assertThat(ConstantMask.integerText("2147483647", false)).isEqualTo("2147483647");
        assertThat(ConstantMask.integerText("02147483648", false)).isEqualTo("02147483648");
        assertThat(ConstantMask.integerText("2147483648", true)).isEqualTo("-2147483648");
        assertThat(ConstantMask.integerText("000", true)).isEqualTo("0");
    }

    @Test
    void textsTheMaskDoesNotModelAreLeftToTheParser() {
        assertThat(ConstantMask.of("SELECT * FROM t WHERE a = $1")).isNull();
        assertThat(ConstantMask.of("SELECT E'a\\'b' , 5")).isNull();
        assertThat(ConstantMask.of("SELECT 'a'\n'b'")).isNull();
        assertThat(ConstantMask.of("SELECT $$x$$, 1")).isNull();
        assertThat(ConstantMask.of("SELECT 0x1F")).isNull();
        assertThat(ConstantMask.of("SELECT 'unterminated")).isNull();
        assertThat(ConstantMask.of("SELECT now()")).isNull();
    }

    @Test
    void pgbenchTextsAreAnsweredByShape() {
        String first = "SELECT abalance FROM pgbench_accounts WHERE aid = 33417;";
        String second = "SELECT abalance FROM pgbench_accounts WHERE aid = 912;";
        shaped.analyze(first);

        assertThat(shaped.answersByShape(second)).isTrue();
        assertThat(shaped.analyze(second)).isEqualTo(parsed.analyze(second));
        assertThat(shaped.cachedEntries()).isZero();
    }

    @Test
    void repeatedConstantsAreParsed() {
        shaped.analyze("SELECT * FROM t WHERE a IN (1, 2)");

        String repeated = "SELECT * FROM t WHERE a IN (3, 3)";
        assertThat(shaped.answersByShape(repeated)).isFalse();
        assertThat(shaped.analyze(repeated)).isEqualTo(parsed.analyze(repeated));
        assertThat(shaped.analyze(repeated).statements().getFirst().filters().getFirst().values()).hasSize(1);
    }

    @Test
    void aShapeThatCannotStandInIsNotUsed() {
        // the grammar folds "- 5" into the constant but "- $1" is an expression: no key in the masked text
        shaped.analyze("SELECT * FROM t WHERE a = - 5");

        assertThat(shaped.answersByShape("SELECT * FROM t WHERE a = - 6")).isFalse();
        assertThat(shaped.analyze("SELECT * FROM t WHERE a = - 6")).isEqualTo(parsed.analyze("SELECT * FROM t WHERE a = - 6"));
    }

    @Test
    void everyCorpusTextWithOtherConstantsGetsItsParsedAnalysis() throws IOException {
        List<String> failures = new ArrayList<>();
        int byShape = 0;
        for (CorpusTest.Case corpusCase : CorpusTest.readCorpus()) {
            String sql = corpusCase.sql();
            ConstantMask mask = ConstantMask.of(sql);
            if (mask == null) {
                continue;
            }
            shaped.analyze(sql);
            for (int variant = 1; variant <= 2; variant++) {
                String other = withOtherConstants(sql, mask, variant);
                if (shaped.answersByShape(other)) {
                    byShape++;
                }
                Analysis expected = parsed.analyze(other);
                Analysis actual = shaped.analyze(other);
                if (!actual.equals(expected)) {
                    failures.add("line " + corpusCase.line() + ": " + other + "\n    by shape: " + actual + "\n    parsed:   " + expected);
                }
            }
        }
        assertThat(failures).as(String.join("\n", failures)).isEmpty();
        assertThat(byShape).isGreaterThan(50);
    }

    /** The text with each masked constant changed: integers (sign kept) and strings get new values. */
    private static String withOtherConstants(String sql, ConstantMask mask, int variant) {
        StringBuilder text = new StringBuilder();
        int copied = 0;
        for (int i = 0; i < mask.count(); i++) {
            text.append(sql, copied, mask.originalStarts()[i]);
            String original = sql.substring(mask.originalStarts()[i], mask.originalEnds()[i]);
            if (mask.kinds()[i] == LiteralKind.INTEGER) {
                text.append(original.startsWith("-") ? "-" : "").append(1000 * variant + 37 * i + 1);
            } else {
                text.append("'").append(mask.values()[i].replace("'", "''")).append("v").append(variant).append(i).append("'");
            }
            copied = mask.originalEnds()[i];
        }
        return text.append(sql, copied, sql.length()).toString();
    }
}
