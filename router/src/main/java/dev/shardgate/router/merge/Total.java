package dev.shardgate.router.merge;

import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.function.Supplier;

/** One output column of a group, combined over the shard rows of the group: a running total. */
sealed interface Total {
    void add(byte[][] shardRow);

    /** The column's value in text format; null for SQL NULL. */
    byte[] result();

    /**
     * How totals of an output column are made, checked against the shards' column types once: 0A000
     * when the merger cannot give PostgreSQL's answer for the type.
     */
    static Supplier<Total> factory(OutputColumn column, RowDescription shardColumns, ClientEncoding encoding) {
        return switch (column) {
            case OutputColumn.Key key -> () -> new Key(key.shardColumn());
            case OutputColumn.Aggregate aggregate -> {
                RowDescription.Field field = shardColumns.fields().get(aggregate.shardColumn());
                int c = aggregate.shardColumn();
                yield switch (aggregate.kind()) {
                    case COUNT -> () -> new Sum(c, Arithmetic.BIGINT);
                    case SUM -> {
                        Arithmetic arithmetic = Arithmetic.of(field, "sum");
                        yield () -> new Sum(c, arithmetic);
                    }
                    case MIN, MAX -> {
                        Comparator<byte[]> order = ValueOrder.of(field.typeOid(), field.name(), encoding);
                        Comparator<byte[]> better = aggregate.kind() == AggregateKind.MIN ? order : order.reversed();
                        // float8smaller, numeric_smaller, interval_smaller… give the later of equal values
                        // (0 and -0, 2.0 and 2.00), bpchar_smaller the earlier
                        boolean keepsEarlier = field.typeOid() == TypeOids.BPCHAR;
                        yield () -> new Extreme(c, better, keepsEarlier);
                    }
                };
            }
            case OutputColumn.Average average -> {
                Arithmetic arithmetic = Arithmetic.of(shardColumns.fields().get(average.sumColumn()), "avg");
                yield () -> new Average(average, arithmetic);
            }
        };
    }

    /**
     * The RowDescription field of an output column: the shards' own, so the type is PostgreSQL's
     * (sum(int4) is bigint, sum(real) real, avg(int) numeric, avg(real) double precision, …).
     */
    static RowDescription.Field field(OutputColumn column, RowDescription shardColumns) {
        return switch (column) {
            case OutputColumn.Key key -> shardColumns.fields().get(key.shardColumn());
            case OutputColumn.Aggregate aggregate -> shardColumns.fields().get(aggregate.shardColumn());
            case OutputColumn.Average average -> shardColumns.fields().get(average.averageColumn());
        };
    }

    /** How the shards' sums of a type (the type of sum's result) are added up. */
    enum Arithmetic {
        /** count, and sum of smallint and integer. */
        BIGINT,
        /** sum of bigint and numeric. */
        NUMERIC,
        REAL,
        DOUBLE,
        INTERVAL;

        static Arithmetic of(RowDescription.Field field, String function) {
            return switch (field.typeOid()) {
                case TypeOids.INT8 -> BIGINT;
                case TypeOids.NUMERIC -> NUMERIC;
                case TypeOids.FLOAT4 -> REAL;
                case TypeOids.FLOAT8 -> DOUBLE;
                case TypeOids.INTERVAL -> INTERVAL;
                case TypeOids.MONEY -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, function + " over money (result column \""
                        + field.name() + "\") cannot be merged from several shards: money's text depends on lc_monetary");
                default -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, function + " of column \"" + field.name()
                        + "\" (type oid " + field.typeOid() + ") cannot be merged from several shards");
            };
        }
    }

    /** A value of the group key, or one depending on it: the first shard row of the group gives it. */
    final class Key implements Total {
        private final int column;
        private byte[] value;
        private boolean seen;

        Key(int column) {
            this.column = column;
        }

        @Override
        public void add(byte[][] shardRow) {
            if (!seen) {
                value = shardRow[column];
                seen = true;
            }
        }

        @Override
        public byte[] result() {
            return value;
        }
    }

    /**
     * count (the shards' counts added up) and sum, in the type's own arithmetic with its overflow
     * errors; NULL only when every shard's sum was NULL.
     */
    final class Sum implements Total {
        private final int column;
        private final Arithmetic arithmetic;
        private long bigint;
        private BigDecimal numeric = BigDecimal.ZERO;
        /** NaN or ±Infinity seen by a numeric sum: the result is then that. */
        private String special;
        private double floating;
        private float real;
        private Interval interval = new Interval(0, 0, 0);
        private boolean seen;

        Sum(int column, Arithmetic arithmetic) {
            this.column = column;
            this.arithmetic = arithmetic;
        }

        @Override
        public void add(byte[][] shardRow) {
            byte[] value = shardRow[column];
            if (value != null) {
                accumulate(value);
            }
        }

        void accumulate(byte[] value) {
            String text = ValueOrder.text(value);
            switch (arithmetic) {
                case BIGINT -> {
                    try {
                        bigint = Math.addExact(bigint, Long.parseLong(text));
                    } catch (ArithmeticException e) {
                        throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
                    }
                }
                case NUMERIC -> addNumeric(text);
                // sum(float8) and sum(real) start from their first value, not from 0 (no initial
                // state in pg_aggregate): a group whose only sum is -0 stays -0, as 0 + -0 would not
                case DOUBLE -> floating = seen ? NumberText.plus(floating, Double.parseDouble(text)) : Double.parseDouble(text);
                case REAL -> real = seen ? NumberText.plus(real, Float.parseFloat(text)) : Float.parseFloat(text);
                case INTERVAL -> interval = interval.plus(Interval.parse(value));
            }
            seen = true;
        }

        /** numeric_add: NaN wins, Infinity plus -Infinity is NaN. */
        private void addNumeric(String text) {
            if (text.equals("NaN") || text.endsWith("Infinity")) {
                special = special == null || special.equals(text) ? text : "NaN";
                return;
            }
            numeric = numeric.add(new BigDecimal(text));
        }

        boolean isNull() {
            return !seen;
        }

        @Override
        public byte[] result() {
            if (!seen) {
                return null;
            }
            return bytes(switch (arithmetic) {
                case BIGINT -> Long.toString(bigint);
                case NUMERIC -> special != null ? special : numeric.toPlainString();
                case DOUBLE -> NumberText.formatFloat(floating, false);
                case REAL -> NumberText.formatFloat(real, true);
                case INTERVAL -> interval.toString();
            });
        }

        /** avg's final function over this sum and a count: numeric_div, float8 division or interval_div. */
        String dividedBy(long count) {
            return switch (arithmetic) {
                case BIGINT -> NumberText.divide(BigDecimal.valueOf(bigint), BigDecimal.valueOf(count)).toPlainString();
                case NUMERIC -> special != null ? special
                        : NumberText.divide(numeric, BigDecimal.valueOf(count)).toPlainString();
                case DOUBLE -> NumberText.formatFloat(floating / count, false);
                case REAL -> throw new IllegalStateException("avg(real) sums in double precision");
                case INTERVAL -> interval.dividedBy(count).toString();
            };
        }
    }

    /** min or max: the best non-null value of the shards'; of equal ones, the one PostgreSQL's function keeps. */
    final class Extreme implements Total {
        private final int column;
        private final Comparator<byte[]> better;
        private final boolean keepsEarlier;
        private byte[] best;

        Extreme(int column, Comparator<byte[]> better, boolean keepsEarlier) {
            this.column = column;
            this.better = better;
            this.keepsEarlier = keepsEarlier;
        }

        @Override
        public void add(byte[][] shardRow) {
            byte[] value = shardRow[column];
            if (value == null) {
                return;
            }
            int comparison = best == null ? -1 : better.compare(value, best);
            if (comparison < 0 || comparison == 0 && !keepsEarlier) {
                best = value;
            }
        }

        @Override
        public byte[] result() {
            return best;
        }
    }

    /**
     * avg: the shards' sums over the shards' counts, divided as avg's final function divides. avg(real)
     * sums in double precision (float4_accum) but sum(real) is real, so its sums are the shards'
     * averages times their counts.
     */
    final class Average implements Total {
        private final OutputColumn.Average columns;
        private final Sum sum;
        private final Sum count;

        private final boolean ofReal;

        Average(OutputColumn.Average columns, Arithmetic arithmetic) {
            this.columns = columns;
            this.ofReal = arithmetic == Arithmetic.REAL;
            this.sum = new Sum(columns.sumColumn(), ofReal ? Arithmetic.DOUBLE : arithmetic);
            this.count = new Sum(columns.countColumn(), Arithmetic.BIGINT);
        }

        @Override
        public void add(byte[][] shardRow) {
            count.add(shardRow);
            if (!ofReal) {
                sum.add(shardRow);
                return;
            }
            byte[] average = shardRow[columns.averageColumn()];
            if (average != null) {
                double shardSum = Double.parseDouble(ValueOrder.text(average))
                        * Long.parseLong(ValueOrder.text(shardRow[columns.countColumn()]));
                sum.accumulate(bytes(Double.toString(shardSum)));
            }
        }

        @Override
        public byte[] result() {
            long n = count.bigint;
            if (n == 0 || sum.isNull()) {
                return null;
            }
            return bytes(sum.dividedBy(n));
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
