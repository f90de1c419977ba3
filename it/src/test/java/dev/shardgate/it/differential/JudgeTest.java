package dev.shardgate.it.differential;

import dev.shardgate.it.differential.Shape.Check;
import dev.shardgate.it.differential.Shape.Ordering;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The judge itself: a different answer must be WRONG, or the differential runs prove nothing. */
class JudgeTest {

    private static Answer.Rows rows(List<String> types, String... rows) {
        return new Answer.Rows(types, Arrays.stream(rows).map(row -> Arrays.stream(row.split("\\|", -1))
                .map(value -> value.equals("∅") ? null : value).toList()).toList());
    }

    private static final List<String> INT_TEXT = List.of("int4", "text");

    @Test
    void sameRowsInAnotherOrderMatchWithoutOrderBy() {
        assertThat(Judge.judge(Shape.UNORDERED, rows(INT_TEXT, "1|a", "2|b"), rows(INT_TEXT, "2|b", "1|a")))
                .isInstanceOf(Verdict.Match.class);
    }

    @Test
    void aMissingOrChangedRowIsWrong() {
        assertThat(Judge.judge(Shape.UNORDERED, rows(INT_TEXT, "1|a"), rows(INT_TEXT, "1|a", "2|b"))).isInstanceOf(Verdict.Wrong.class);
        assertThat(Judge.judge(Shape.UNORDERED, rows(INT_TEXT, "1|a", "2|B"), rows(INT_TEXT, "1|a", "2|b"))).isInstanceOf(Verdict.Wrong.class);
        assertThat(Judge.judge(Shape.UNORDERED, rows(INT_TEXT, "1|∅"), rows(INT_TEXT, "1|"))).isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void anotherColumnTypeIsWrong() {
        assertThat(Judge.judge(Shape.UNORDERED, rows(List.of("int8", "text"), "1|a"), rows(INT_TEXT, "1|a")))
                .isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void anotherOrderIsWrongWhenOrderByFixesIt() {
        Shape ordered = Shape.UNORDERED.ordered(new Ordering(List.of(0), true, false));
        assertThat(Judge.judge(ordered, rows(INT_TEXT, "2|b", "1|a"), rows(INT_TEXT, "1|a", "2|b"))).isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void withLimitAndTiesOnlyTheSortKeysCount() {
        Shape partial = Shape.UNORDERED.ordered(new Ordering(List.of(1), false, true));
        assertThat(Judge.judge(partial, rows(INT_TEXT, "1|a", "3|b"), rows(INT_TEXT, "1|a", "2|b"))).isInstanceOf(Verdict.Match.class);
        assertThat(Judge.judge(partial, rows(INT_TEXT, "1|a", "3|c"), rows(INT_TEXT, "1|a", "2|b"))).isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void groupKeysCompareByValueAndFloatSumsWithTolerance() {
        Shape grouped = Shape.checks(Check.VALUE, Check.VALUE, Check.VALUE, Check.APPROXIMATE);
        List<String> types = List.of("numeric", "float8", "interval", "float8");
        assertThat(Judge.judge(grouped, rows(types, "2.0|-0|1 day|0.30000000000000004"), rows(types, "2.00|0|24:00:00|0.3")))
                .isInstanceOf(Verdict.Match.class);
        assertThat(Judge.judge(grouped, rows(types, "2.0|0|1 day|0.31"), rows(types, "2.00|0|24:00:00|0.3")))
                .isInstanceOf(Verdict.Wrong.class);
        assertThat(Judge.judge(Shape.UNORDERED, rows(List.of("numeric"), "2.0"), rows(List.of("numeric"), "2.00")))
                .as("outside GROUP BY/DISTINCT the text of a numeric is exact").isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void errorsCompareBySqlStateClassAndRefusalsAreAllowed() {
        Answer divisionByZero = new Answer.Failure("22012", "division by zero");
        assertThat(Judge.judge(Shape.UNORDERED, new Answer.Failure("22003", "out of range"), divisionByZero)).isInstanceOf(Verdict.Match.class);
        assertThat(Judge.judge(Shape.UNORDERED, new Answer.Failure("XX000", "internal"), divisionByZero)).isInstanceOf(Verdict.Wrong.class);
        assertThat(Judge.judge(Shape.UNORDERED, new Answer.Count(1), divisionByZero)).isInstanceOf(Verdict.Wrong.class);
        assertThat(Judge.judge(Shape.UNORDERED, divisionByZero, new Answer.Count(1))).isInstanceOf(Verdict.Wrong.class);
        assertThat(Judge.judge(Shape.UNORDERED, new Answer.Failure("0A000", "window functions are not supported"), rows(INT_TEXT, "1|a")))
                .isInstanceOf(Verdict.Refused.class);
        assertThat(Judge.judge(Shape.UNORDERED, new Answer.Count(2), new Answer.Count(3))).isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void aFloatSumOverflowThatInfinityCanMaskIsNotCountedAgainstTheRouter() {
        Shape sums = Shape.checks(Check.EXACT, Check.APPROXIMATE);
        List<String> types = List.of("int8", "float8");
        Answer overflow = new Answer.Failure("22003", "value out of range: overflow");
        assertThat(Judge.judge(sums, rows(types, "3|Infinity"), overflow)).isInstanceOf(Verdict.Match.class);
        assertThat(Judge.judge(sums, rows(types, "3|1.7976931348623157e+308"), overflow)).isInstanceOf(Verdict.Wrong.class);
    }

    @Test
    void intervalsAreReadInBothRenderings() {
        assertThat(Values.intervalMicros("1 day")).isEqualTo(Values.intervalMicros("24:00:00"));
        assertThat(Values.intervalMicros("0 years 1 mons 0 days 0 hours 0 mins 0.0 secs")).isEqualTo(Values.intervalMicros("30 days"));
        assertThat(Values.intervalMicros("-1 days +02:00:00")).isEqualTo(Values.intervalMicros("-22:00:00"));
    }
}
