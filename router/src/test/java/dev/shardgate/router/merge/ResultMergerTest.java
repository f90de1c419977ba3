package dev.shardgate.router.merge;

import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.Aggregation;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.RowDescription;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The merger over rows in memory: what one server holding every shard's rows would answer. */
class ResultMergerTest {
    private static RowDescription.Field field(String name, int typeOid) {
        return new RowDescription.Field(name, 0, (short) 0, typeOid, (short) -1, -1, (short) 0);
    }

    private static RowDescription columns(RowDescription.Field... fields) {
        return new RowDescription(List.of(fields));
    }

    private static MultiShardShape.Select shape(Aggregation aggregation, List<SortKey> keys, long limit, long offset, boolean distinct) {
        return new MultiShardShape.Select("", aggregation, keys, limit, offset, distinct, List.of(), List.of());
    }

    /** Rows written "a|b" with "~" for NULL, one list per shard. */
    @SafeVarargs
    private static List<String> merged(ResultMerger merger, List<String>... shards) throws IOException {
        List<RowSource> sources = new ArrayList<>();
        for (List<String> shard : shards) {
            List<byte[][]> rows = new ArrayList<>();
            for (String row : shard) {
                rows.add(Arrays.stream(row.split("\\|", -1))
                        .map(v -> v.equals("~") ? null : v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new));
            }
            sources.add(RowSource.of(rows));
        }
        RowSource out = merger.merge(sources);
        List<String> result = new ArrayList<>();
        byte[][] row;
        while ((row = out.next()) != null) {
            result.add(String.join("|", Arrays.stream(row).map(v -> v == null ? "~" : new String(v, StandardCharsets.UTF_8)).toList()));
        }
        return result;
    }

    @Test
    void withoutOrderRowsComeShardAfterShard() throws IOException {
        var merger = new ResultMerger(shape(null, List.of(), -1, 0, false), columns(field("id", TypeOids.INT4)));
        assertThat(merged(merger, List.of("3", "1"), List.of(), List.of("2"))).containsExactly("3", "1", "2");
    }

    @Test
    void orderedMergeFollowsTheTypesOrderAndNullPlacement() throws IOException {
        var byIntegerDescNullsFirst = new ResultMerger(shape(null, List.of(new SortKey(0, null, true, true)), -1, 0, false),
                columns(field("n", TypeOids.INT8), field("s", TypeOids.TEXT)));
        assertThat(merged(byIntegerDescNullsFirst, List.of("~|a", "100|b", "9|c"), List.of("~|d", "10|e", "-5|f")))
                .containsExactly("~|a", "~|d", "100|b", "10|e", "9|c", "-5|f");

        var byTextThenNumeric = new ResultMerger(shape(null,
                List.of(new SortKey(-1, "s", false, false), new SortKey(0, null, false, false)), -1, 0, false),
                columns(field("n", TypeOids.NUMERIC), field("s", TypeOids.VARCHAR)));
        assertThat(merged(byTextThenNumeric, List.of("1.5|B", "10|a", "~|é"), List.of("2|B", "9.99|a", "1|~")))
                .containsExactly("1.5|B", "2|B", "9.99|a", "10|a", "~|é", "1|~");
    }

    @Test
    void hiddenColumnsOrderAndGroupButAreNotSent() throws IOException {
        var ordered = new ResultMerger(new MultiShardShape.Select("", null, List.of(new SortKey(1, null, true, true)), 2, 1,
                false, List.of(), List.of(), MultiShardShape.Collations.UNKNOWN, 0, 0, 1),
                columns(field("id", TypeOids.INT4), field("amount", TypeOids.INT4)));
        assertThat(ordered.columns().fields()).extracting(RowDescription.Field::name).containsExactly("id");
        assertThat(ordered.mergedColumns().fields()).hasSize(2);
        assertThat(merged(ordered, List.of("1|30", "2|10"), List.of("4|~", "3|20"))).containsExactly("1", "3");

        var grouped = new ResultMerger(new MultiShardShape.Select("", new Aggregation(List.of(
                new OutputColumn.Aggregate(AggregateKind.COUNT, 0), new OutputColumn.Key(1, true))),
                List.of(new SortKey(1, null, false, false)), -1, 0, false, List.of(), List.of(),
                MultiShardShape.Collations.UNKNOWN, 0, 0, 1),
                columns(field("count", TypeOids.INT8), field("region", TypeOids.INT4)));
        assertThat(grouped.columns().fields()).extracting(RowDescription.Field::name).containsExactly("count");
        assertThat(merged(grouped, List.of("2|7", "1|3"), List.of("5|3"))).containsExactly("6", "2");
    }

    @Test
    void timestampsWithTimeZoneOrderByInstant() throws IOException {
        var merger = new ResultMerger(shape(null, List.of(new SortKey(0, null, false, false)), -1, 0, false),
                columns(field("at", TypeOids.TIMESTAMPTZ)));
        assertThat(merged(merger,
                List.of("2024-10-27 02:30:00+02", "2024-10-27 02:45:00.5+01", "infinity"),
                List.of("-infinity", "2024-10-27 02:40:00+02", "2024-10-27 02:10:00+01")))
                .containsExactly("-infinity", "2024-10-27 02:30:00+02", "2024-10-27 02:40:00+02",
                        "2024-10-27 02:10:00+01", "2024-10-27 02:45:00.5+01", "infinity");
    }

    @Test
    void offsetAndLimitApplyAfterTheMerge() throws IOException {
        var merger = new ResultMerger(shape(null, List.of(new SortKey(0, null, false, false)), 3, 2, false),
                columns(field("id", TypeOids.INT4)));
        assertThat(merged(merger, List.of("1", "4", "6", "7"), List.of("2", "3", "5"))).containsExactly("3", "4", "5");
    }

    @Test
    void groupsAreReaggregated() throws IOException {
        var aggregation = new Aggregation(List.of(new OutputColumn.Key(0, true),
                new OutputColumn.Aggregate(AggregateKind.COUNT, 1), new OutputColumn.Aggregate(AggregateKind.SUM, 2),
                new OutputColumn.Average(3, 4, 5), new OutputColumn.Aggregate(AggregateKind.MIN, 6),
                new OutputColumn.Aggregate(AggregateKind.MAX, 7)));
        var merger = new ResultMerger(shape(aggregation, List.of(new SortKey(0, null, false, true)), -1, 0, false),
                columns(field("customer", TypeOids.TEXT), field("count", TypeOids.INT8), field("sum", TypeOids.NUMERIC),
                        field("sum", TypeOids.INT8), field("count", TypeOids.INT8), field("mean", TypeOids.NUMERIC),
                        field("min", TypeOids.DATE), field("max", TypeOids.INT4)));
        assertThat(merger.columns().fields()).extracting(RowDescription.Field::name)
                .containsExactly("customer", "count", "sum", "mean", "min", "max");
        assertThat(merger.columns().fields().get(3).typeOid()).isEqualTo(TypeOids.NUMERIC);
        assertThat(merged(merger,
                List.of("b|2|1.50|3|2|1.5|2024-01-02|7", "a|1|~|10|1|10|2023-12-31|~"),
                List.of("b|1|2.255|0|1|0|2024-01-01|3", "~|3|1|100000|3|33333.3|~|1")))
                .containsExactly("~|3|1|33333.333333333333|~|1", "a|1|~|10.0000000000000000|2023-12-31|~",
                        "b|3|3.755|1.00000000000000000000|2024-01-01|7");
    }

    @Test
    void averagesHaveNumericDivisionScale() {
        assertThat(NumberText.divide(new java.math.BigDecimal("3"), java.math.BigDecimal.valueOf(2)).toPlainString())
                .isEqualTo("1.5000000000000000");
        assertThat(NumberText.divide(new java.math.BigDecimal("0"), java.math.BigDecimal.valueOf(2)).toPlainString())
                .isEqualTo("0.00000000000000000000");
        assertThat(NumberText.divide(new java.math.BigDecimal("-2.5"), java.math.BigDecimal.valueOf(3)).toPlainString())
                .isEqualTo("-0.83333333333333333333");
    }

    @Test
    void floatsPrintAsPostgresqlDoes() {
        assertThat(NumberText.formatFloat(0.1 + 0.2, false)).isEqualTo("0.30000000000000004");
        assertThat(NumberText.formatFloat(1e20, false)).isEqualTo("1e+20");
        assertThat(NumberText.formatFloat(1.5e-5, false)).isEqualTo("1.5e-05");
        assertThat(NumberText.formatFloat(123456789012345.0, false)).isEqualTo("123456789012345");
        assertThat(NumberText.formatFloat(-2.5, false)).isEqualTo("-2.5");
        assertThat(NumberText.formatFloat(1234567, true)).isEqualTo("1.234567e+06");
    }

    @Test
    void aggregatesWithoutGroupByGiveOneRow() throws IOException {
        var aggregation = new Aggregation(List.of(new OutputColumn.Aggregate(AggregateKind.COUNT, 0),
                new OutputColumn.Aggregate(AggregateKind.SUM, 1)));
        var merger = new ResultMerger(shape(aggregation, List.of(), -1, 0, false),
                columns(field("count", TypeOids.INT8), field("sum", TypeOids.FLOAT8)));
        assertThat(merged(merger, List.of("0|~"), List.of("2|0.1"), List.of("1|0.2"))).containsExactly("3|0.30000000000000004");
    }

    @Test
    void distinctSendsEachRowOnce() throws IOException {
        var merger = new ResultMerger(shape(null, List.of(new SortKey(0, null, false, false)), 2, 0, true),
                columns(field("c", TypeOids.TEXT)));
        assertThat(merged(merger, List.of("a", "b", "c"), List.of("a", "c"))).containsExactly("a", "b");
    }

    @Test
    void groupsAndDistinctRowsAreEqualByTheTypesEquality() throws IOException {
        var aggregation = new Aggregation(List.of(new OutputColumn.Key(0, true), new OutputColumn.Key(1, true),
                new OutputColumn.Key(2, true), new OutputColumn.Aggregate(AggregateKind.COUNT, 3)));
        var merger = new ResultMerger(shape(aggregation, List.of(new SortKey(3, null, false, false)), -1, 0, false),
                columns(field("n", TypeOids.NUMERIC), field("f", TypeOids.FLOAT8), field("i", TypeOids.INTERVAL),
                        field("count", TypeOids.INT8)));
        assertThat(merged(merger,
                List.of("2.0|0|1 day|1", "NaN|NaN|1 mon|2", "~|~|~|1"),
                List.of("2.00|-0|24:00:00|3", "NaN|NaN|30 days|4", "3|1|1 day|5", "~|~|~|6")))
                .containsExactly("2.0|0|1 day|4", "3|1|1 day|5", "NaN|NaN|1 mon|6", "~|~|~|7");

        var distinct = new ResultMerger(shape(null, List.of(), -1, 0, true),
                columns(field("r", TypeOids.FLOAT4), field("c", TypeOids.BPCHAR)));
        assertThat(merged(distinct, List.of("0|a", "NaN|b"), List.of("-0|a  ", "NaN|b", "1|b"))).containsExactly("0|a", "NaN|b", "1|b");
        var arrays = new ResultMerger(shape(null, List.of(), -1, 0, true), columns(field("a", TypeOids.INT4_ARRAY)));
        assertThat(merged(arrays, List.of("{1,2}", "[0:1]={1,2}"), List.of("{1,2}"))).containsExactly("{1,2}", "[0:1]={1,2}");
    }

    @Test
    void onlyGroupByItemsGroupTheRows() throws IOException {
        var aggregation = new Aggregation(List.of(new OutputColumn.Key(0, true), new OutputColumn.Key(1, false),
                new OutputColumn.Aggregate(AggregateKind.SUM, 2)));
        var merger = new ResultMerger(shape(aggregation, List.of(), -1, 0, false),
                columns(field("n", TypeOids.NUMERIC), field("t", TypeOids.TEXT), field("sum", TypeOids.INT8)));
        assertThat(merged(merger, List.of("2.0|2.0|1"), List.of("2.00|2.00|2"))).containsExactly("2.0|2.0|3");
    }

    @Test
    void averagesHavePostgresqlsTypesAndArithmetic() throws IOException {
        var average = new Aggregation(List.of(new OutputColumn.Average(0, 1, 2)));
        var ofReal = new ResultMerger(shape(average, List.of(), -1, 0, false),
                columns(field("sum", TypeOids.FLOAT4), field("count", TypeOids.INT8), field("avg", TypeOids.FLOAT8)));
        assertThat(ofReal.columns().fields().getFirst().typeOid()).isEqualTo(TypeOids.FLOAT8);
        // avg(real) sums in double precision: 0.1::real is 0.10000000149011612 there
        assertThat(merged(ofReal, List.of("0.1|1|0.10000000149011612"), List.of("0.2|1|0.20000000298023224")))
                .containsExactly("0.15000000223517418");
        var ofInterval = new ResultMerger(shape(average, List.of(), -1, 0, false),
                columns(field("sum", TypeOids.INTERVAL), field("count", TypeOids.INT8), field("avg", TypeOids.INTERVAL)));
        assertThat(merged(ofInterval, List.of("1 mon 1 day|2|15 days 12:00:00"), List.of("00:00:00.000001|1|00:00:00.000001")))
                .containsExactly("10 days 08:00:00");
    }

    @Test
    void floatSumsOverflowUnlessAnInputIsInfinite() throws IOException {
        var sum = new Aggregation(List.of(new OutputColumn.Aggregate(AggregateKind.SUM, 0)));
        var doubles = new ResultMerger(shape(sum, List.of(), -1, 0, false), columns(field("sum", TypeOids.FLOAT8)));
        assertThatThrownBy(() -> merged(doubles, List.of("1e+308"), List.of("1e+308")))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getMessage()).isEqualTo("value out of range: overflow"));
        assertThat(merged(doubles, List.of("Infinity"), List.of("1e+308"))).containsExactly("Infinity");
        assertThat(merged(doubles, List.of("Infinity"), List.of("-Infinity"))).containsExactly("NaN");
        var reals = new ResultMerger(shape(sum, List.of(), -1, 0, false), columns(field("sum", TypeOids.FLOAT4)));
        assertThatThrownBy(() -> merged(reals, List.of("3e+38"), List.of("3e+38")))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("22003"));
        assertThat(merged(reals, List.of("0.1"), List.of("0.2"))).containsExactly("0.3");
    }

    /** Found by the differential tester: sum(float8) of a group whose shards' sums are all -0 is -0, not 0 + -0. */
    @Test
    void floatSumsStartFromTheFirstShardsSumSoANegativeZeroStays() throws IOException {
        var sum = new Aggregation(List.of(new OutputColumn.Aggregate(AggregateKind.SUM, 0)));
        var doubles = new ResultMerger(shape(sum, List.of(), -1, 0, false), columns(field("sum", TypeOids.FLOAT8)));
        assertThat(merged(doubles, List.of("-0"))).containsExactly("-0");
        assertThat(merged(doubles, List.of("-0"), List.of("-0"))).containsExactly("-0");
        assertThat(merged(doubles, List.of("-0"), List.of("0"))).containsExactly("0");
        var reals = new ResultMerger(shape(sum, List.of(), -1, 0, false), columns(field("sum", TypeOids.FLOAT4)));
        assertThat(merged(reals, List.of("-0"))).containsExactly("-0");
    }

    @Test
    void whatCannotBeMergedIsRefusedWithFeatureNotSupported() {
        var groupByJsonb = new Aggregation(List.of(new OutputColumn.Key(0, true)));
        assertThatThrownBy(() -> new ResultMerger(shape(groupByJsonb, List.of(), -1, 0, false), columns(field("j", 3802))))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getMessage()).contains("\"j\"", "equality"));
        assertThatThrownBy(() -> new ResultMerger(shape(null, List.of(), -1, 0, true), columns(field("j", 3802))))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("0A000"));
        assertThatThrownBy(() -> new ResultMerger(shape(null, List.of(new SortKey(0, null, false, false)), -1, 0, false),
                columns(field("p", 600))))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("0A000"));
        assertThatThrownBy(() -> new ResultMerger(shape(null, List.of(new SortKey(-1, "missing", false, false)), -1, 0, false),
                columns(field("p", TypeOids.INT4))))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getMessage()).contains("missing"));
        var sumOfMoney = new Aggregation(List.of(new OutputColumn.Aggregate(AggregateKind.SUM, 0)));
        assertThatThrownBy(() -> new ResultMerger(shape(sumOfMoney, List.of(), -1, 0, false), columns(field("sum", TypeOids.MONEY))))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getMessage()).contains("money"));
    }
}
