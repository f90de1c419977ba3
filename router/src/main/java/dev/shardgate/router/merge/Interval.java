package dev.shardgate.router.merge;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigInteger;
import java.nio.ByteBuffer;

/**
 * An interval as PostgreSQL stores it (months, days, microseconds), read from and written as the
 * text of IntervalStyle {@code postgres}, the default: {@code 1 year 2 mons -3 days +04:05:06.5}.
 */
record Interval(int months, int days, long micros) {
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final int DAYS_PER_MONTH = 30;
    private static final double SECONDS_PER_DAY = 86_400;

    /** The interval a shard printed; 0A000 when the text is in another IntervalStyle. */
    static Interval parse(byte[] value) {
        String text = ValueOrder.text(value);
        try {
            return parse(text);
        } catch (RuntimeException e) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "interval \"" + text
                    + "\" is not in IntervalStyle postgres (the default), which merging rows of several shards needs");
        }
    }

    private static Interval parse(String text) {
        String[] tokens = text.split(" ");
        long months = 0;
        long days = 0;
        long micros = 0;
        int i = 0;
        while (i < tokens.length) {
            String token = tokens[i];
            if (token.indexOf(':') >= 0 && i == tokens.length - 1) {
                micros = time(token);
                i++;
                continue;
            }
            long number = Long.parseLong(token);
            switch (tokens[i + 1]) {
                case "year", "years" -> months += number * 12;
                case "mon", "mons" -> months += number;
                case "day", "days" -> days += number;
                default -> throw new IllegalArgumentException(tokens[i + 1]);
            }
            i += 2;
        }
        return new Interval(Math.toIntExact(months), Math.toIntExact(days), micros);
    }

    /** {@code [+-]HH:MM:SS[.ffffff]}, hours possibly more than two digits; the sign covers all of it. */
    private static long time(String token) {
        int sign = token.charAt(0) == '-' ? -1 : 1;
        String unsigned = token.charAt(0) == '-' || token.charAt(0) == '+' ? token.substring(1) : token;
        String[] parts = unsigned.split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException(token);
        }
        String[] seconds = parts[2].split("\\.");
        long micros = Long.parseLong(parts[0]) * 3_600_000_000L + Long.parseLong(parts[1]) * 60_000_000L
                + Long.parseLong(seconds[0]) * 1_000_000L;
        if (seconds.length > 1) {
            micros += Long.parseLong((seconds[1] + "000000").substring(0, 6));
        }
        return sign * micros;
    }

    /**
     * The value interval comparison uses (interval_cmp_value): a month counts as 30 days and a day
     * as 24 hours, so {@code 1 mon}, {@code 30 days} and {@code 720:00:00} are equal.
     */
    BigInteger comparable() {
        return BigInteger.valueOf((long) months * DAYS_PER_MONTH + days).multiply(BigInteger.valueOf(MICROS_PER_DAY))
                .add(BigInteger.valueOf(micros));
    }

    /** interval_pl: field by field, 22008 when a field overflows. */
    Interval plus(Interval other) {
        try {
            return new Interval(Math.addExact(months, other.months), Math.addExact(days, other.days),
                    Math.addExact(micros, other.micros));
        } catch (ArithmeticException e) {
            throw outOfRange();
        }
    }

    /** interval_div as avg(interval) uses it: fractions of months and days carried down to days and time. */
    Interval dividedBy(double factor) {
        int resultMonths = (int) (months / factor);
        int resultDays = (int) (days / factor);
        double monthRemainderDays = round((months / factor - resultMonths) * DAYS_PER_MONTH);
        double secondRemainder = round((days / factor - resultDays + monthRemainderDays - (int) monthRemainderDays)
                * SECONDS_PER_DAY);
        if (Math.abs(secondRemainder) >= SECONDS_PER_DAY) {
            resultDays += (int) (secondRemainder / SECONDS_PER_DAY);
            secondRemainder -= (int) (secondRemainder / SECONDS_PER_DAY) * SECONDS_PER_DAY;
        }
        resultDays += (int) monthRemainderDays;
        long resultMicros = (long) Math.rint(micros / factor + secondRemainder * 1_000_000);
        return new Interval(resultMonths, resultDays, resultMicros);
    }

    /** TSROUND: to microsecond precision, so that float noise does not leak into the seconds. */
    private static double round(double value) {
        return Math.rint(value * 1_000_000.0) / 1_000_000.0;
    }

    static PgException outOfRange() {
        return new PgException(SqlState.DATETIME_FIELD_OVERFLOW, "interval out of range");
    }

    /** EncodeInterval for IntervalStyle postgres. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        boolean[] zeroAndBefore = {true, false};
        part(out, months / 12, "year", zeroAndBefore);
        part(out, months % 12, "mon", zeroAndBefore);
        part(out, days, "day", zeroAndBefore);
        if (zeroAndBefore[0] || micros != 0) {
            long magnitude = Math.abs(micros);
            long hours = magnitude / 3_600_000_000L;
            long minutes = magnitude / 60_000_000L % 60;
            long seconds = magnitude / 1_000_000L % 60;
            long fraction = magnitude % 1_000_000L;
            out.append(zeroAndBefore[0] ? "" : " ").append(micros < 0 ? "-" : zeroAndBefore[1] ? "+" : "");
            out.append(twoDigits(hours)).append(':').append(twoDigits(minutes)).append(':').append(twoDigits(seconds));
            if (fraction != 0) {
                String digits = String.format("%06d", fraction);
                int end = digits.length();
                while (digits.charAt(end - 1) == '0') {
                    end--;
                }
                out.append('.').append(digits, 0, end);
            }
        }
        return out.toString();
    }

    private static void part(StringBuilder out, int value, String unit, boolean[] zeroAndBefore) {
        if (value == 0) {
            return;
        }
        out.append(zeroAndBefore[0] ? "" : " ").append(zeroAndBefore[1] && value > 0 ? "+" : "")
                .append(value).append(' ').append(unit).append(value != 1 ? "s" : "");
        zeroAndBefore[1] = value < 0;
        zeroAndBefore[0] = false;
    }

    private static String twoDigits(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }

    /** interval_send: microseconds, days, months. */
    byte[] binary() {
        return ByteBuffer.allocate(16).putLong(micros).putInt(days).putInt(months).array();
    }
}
