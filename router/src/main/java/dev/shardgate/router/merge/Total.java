package dev.shardgate.router.merge;

import dev.shardgate.sql.MultiShardShape.AggregateKind;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
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
    static Supplier<Total> factory(OutputColumn column, RowDescription shardColumns) {
        return switch (column) {
            case OutputColumn.Key key -> () -> new Key(key.shardColumn());
            case OutputColumn.Aggregate aggregate -> {
                RowDescription.Field field = shardColumns.fields().get(aggregate.shardColumn());
                int c = aggregate.shardColumn();
                yield switch (aggregate.kind()) {
                    case COUNT -> () -> new Sum(c, Arithmetic.INTEGER);
                    case SUM -> {
                        Arithmetic arithmetic = Arithmetic.of(field);
                        yield () -> new Sum(c, arithmetic);
                    }
                    case MIN, MAX -> {
                        Comparator<byte[]> order = ValueOrder.of(field.typeOid(), field.name());
                        Comparator<byte[]> better = aggregate.kind() == AggregateKind.MIN ? order : order.reversed();
                        yield () -> new Extreme(c, better);
                    }
                };
            }
            case OutputColumn.Average average -> {
                Arithmetic arithmetic = Arithmetic.of(shardColumns.fields().get(average.sumColumn()));
                yield () -> new Average(new Sum(average.sumColumn(), arithmetic), new Sum(average.countColumn(), Arithmetic.INTEGER));
            }
        };
    }

    /** The RowDescription field of an output column. */
    static RowDescription.Field field(OutputColumn column, RowDescription shardColumns) {
        return switch (column) {
            case OutputColumn.Key key -> shardColumns.fields().get(key.shardColumn());
            case OutputColumn.Aggregate aggregate -> shardColumns.fields().get(aggregate.shardColumn());
            case OutputColumn.Average average -> {
                // avg of integers and numeric is numeric; of real and double precision, double precision
                boolean floating = Arithmetic.of(shardColumns.fields().get(average.sumColumn())) == Arithmetic.FLOATING;
                yield floating
                        ? new RowDescription.Field(average.name(), 0, (short) 0, TypeOids.FLOAT8, (short) 8, -1, (short) 0)
                        : new RowDescription.Field(average.name(), 0, (short) 0, TypeOids.NUMERIC, (short) -1, -1, (short) 0);
            }
        };
    }

    /** How sums of a type are added up. */
    enum Arithmetic {
        INTEGER, NUMERIC, FLOATING, FLOATING_SINGLE;

        static Arithmetic of(RowDescription.Field field) {
            return switch (field.typeOid()) {
                case TypeOids.INT8, TypeOids.INT4, TypeOids.INT2 -> INTEGER;
                case TypeOids.NUMERIC -> NUMERIC;
                case TypeOids.FLOAT8 -> FLOATING;
                case TypeOids.FLOAT4 -> FLOATING_SINGLE;
                default -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "sum or avg of column \"" + field.name()
                        + "\" (type oid " + field.typeOid() + ") cannot be merged from several shards");
            };
        }
    }

    /** A value of the group key: all shard rows of the group agree on it. */
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

    /** count (the shards' counts added up) and sum; NULL only when every shard's sum was NULL. */
    final class Sum implements Total {
        private final int column;
        private final Arithmetic arithmetic;
        private long integer;
        private BigDecimal numeric;
        private double floating;
        /** NaN or ±Infinity seen by a numeric sum: the result is then that. */
        private String special;
        private boolean seen;

        Sum(int column, Arithmetic arithmetic) {
            this.column = column;
            this.arithmetic = arithmetic;
        }

        @Override
        public void add(byte[][] shardRow) {
            byte[] value = shardRow[column];
            if (value == null) {
                return;
            }
            String text = new String(value, StandardCharsets.UTF_8);
            switch (arithmetic) {
                case INTEGER -> {
                    try {
                        integer = Math.addExact(integer, Long.parseLong(text));
                    } catch (ArithmeticException e) {
                        throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range");
                    }
                }
                case NUMERIC -> addNumeric(text);
                case FLOATING, FLOATING_SINGLE -> floating += Double.parseDouble(text);
            }
            seen = true;
        }

        private void addNumeric(String text) {
            if (text.equals("NaN") || text.endsWith("Infinity")) {
                special = special == null || special.equals(text) ? text : "NaN";
                return;
            }
            BigDecimal value = new BigDecimal(text);
            numeric = numeric == null ? value : numeric.add(value);
        }

        boolean isNull() {
            return !seen;
        }

        long integer() {
            return integer;
        }

        /** The sum as a number; null when a numeric sum is NaN or infinite. */
        BigDecimal decimal() {
            return switch (arithmetic) {
                case INTEGER -> BigDecimal.valueOf(integer);
                case NUMERIC -> special != null ? null : numeric == null ? BigDecimal.ZERO : numeric;
                case FLOATING, FLOATING_SINGLE -> BigDecimal.valueOf(floating);
            };
        }

        boolean isFloating() {
            return arithmetic == Arithmetic.FLOATING || arithmetic == Arithmetic.FLOATING_SINGLE;
        }

        double floating() {
            return floating;
        }

        String special() {
            return special;
        }

        @Override
        public byte[] result() {
            if (!seen) {
                return null;
            }
            return bytes(switch (arithmetic) {
                case INTEGER -> Long.toString(integer);
                case NUMERIC -> special != null ? special : numeric.toPlainString();
                case FLOATING -> NumberText.formatFloat(floating, false);
                case FLOATING_SINGLE -> NumberText.formatFloat(floating, true);
            });
        }
    }

    /** min or max: the best non-null value of the shards'. */
    final class Extreme implements Total {
        private final int column;
        private final Comparator<byte[]> better;
        private byte[] best;

        Extreme(int column, Comparator<byte[]> better) {
            this.column = column;
            this.better = better;
        }

        @Override
        public void add(byte[][] shardRow) {
            byte[] value = shardRow[column];
            if (value != null && (best == null || better.compare(value, best) < 0)) {
                best = value;
            }
        }

        @Override
        public byte[] result() {
            return best;
        }
    }

    /** avg: the shards' sums over the shards' counts, with numeric_div's scale. */
    final class Average implements Total {
        private final Sum sum;
        private final Sum count;

        Average(Sum sum, Sum count) {
            this.sum = sum;
            this.count = count;
        }

        @Override
        public void add(byte[][] shardRow) {
            sum.add(shardRow);
            count.add(shardRow);
        }

        @Override
        public byte[] result() {
            long n = count.integer();
            if (n == 0 || sum.isNull()) {
                return null;
            }
            if (sum.isFloating()) {
                return bytes(NumberText.formatFloat(sum.floating() / n, false));
            }
            if (sum.special() != null) {
                return bytes(sum.special());
            }
            return bytes(NumberText.divide(sum.decimal(), BigDecimal.valueOf(n)).toPlainString());
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
