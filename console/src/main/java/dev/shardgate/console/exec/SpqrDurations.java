package dev.shardgate.console.exec;

import java.time.Duration;

/**
 * Durations as SPQR's answers write them, which is Go's {@code time.Duration.String()}: {@code 0s},
 * {@code 250ms}, {@code 1.5s}, {@code 1m30s}, {@code 1h0m0s}; below a second the largest of
 * {@code ms}, {@code µs}, {@code ns} that keeps an integer part, trailing zeros of the fraction dropped.
 */
public final class SpqrDurations {
    private SpqrDurations() {
    }

    public static String format(Duration duration) {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long abs = Math.abs(nanos);
        if (abs < 1_000) {
            return sign + abs + "ns";
        }
        if (abs < 1_000_000) {
            return sign + decimal(abs, 1_000) + "µs";
        }
        if (abs < 1_000_000_000) {
            return sign + decimal(abs, 1_000_000) + "ms";
        }
        long hours = abs / 3_600_000_000_000L;
        long minutes = abs / 60_000_000_000L % 60;
        String seconds = decimal(abs % 60_000_000_000L, 1_000_000_000) + "s";
        if (hours > 0) {
            return sign + hours + "h" + minutes + "m" + seconds;
        }
        return minutes > 0 ? sign + minutes + "m" + seconds : sign + seconds;
    }

    /** {@code value / unit} with the fraction's trailing zeros (and a bare point) dropped. */
    private static String decimal(long value, long unit) {
        long whole = value / unit;
        long fraction = value % unit;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        int digits = Long.toString(unit).length() - 1;
        String text = String.format("%0" + digits + "d", fraction).replaceAll("0+$", "");
        return whole + "." + text;
    }
}
