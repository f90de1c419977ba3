package dev.shardgate.router.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and byte sizes as written in router.yaml. Duration units are PostgreSQL's
 * ({@code us ms s min h d}, "Numeric with Unit" in the docs' "Setting Parameters") plus Go's
 * {@code m} for minutes since SPQR configs use Go durations; parts may be combined ({@code 1m30s}).
 * Size units follow PostgreSQL too: {@code kB MB GB} are multiples of 1024; {@code KiB MiB GiB}
 * are accepted as the same; a bare number is bytes.
 */
final class ConfigUnits {
    static final String DURATION_EXAMPLES = "a duration such as '500ms', '5s', '1min' or '1m30s'";
    static final String SIZE_EXAMPLES = "a size such as '8192', '64kB', '256MB' or '1GB'";

    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)\\s*(us|ms|min|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

    private record Unit(String name, ChronoUnit chronoUnit, long amount) {
        Duration of(long count) {
            return chronoUnit.getDuration().multipliedBy(amount).multipliedBy(count);
        }
    }

    /** Largest first: formatting picks the largest unit that divides the duration. */
    private static final List<Unit> DURATION_UNITS = List.of(
            new Unit("d", ChronoUnit.DAYS, 1),
            new Unit("h", ChronoUnit.HOURS, 1),
            new Unit("min", ChronoUnit.MINUTES, 1),
            new Unit("s", ChronoUnit.SECONDS, 1),
            new Unit("ms", ChronoUnit.MILLIS, 1),
            new Unit("us", ChronoUnit.MICROS, 1));

    private ConfigUnits() {
    }

    /** Empty when the text is not a non-negative duration. "0" needs no unit. */
    static Optional<Duration> parseDuration(String text) {
        String trimmed = text.strip();
        if (trimmed.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher part = DURATION_PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (end < trimmed.length() && part.find(end) && part.start() == end) {
                long count = Long.parseLong(part.group(1));
                total = total.plus(unitNamed(part.group(2)).of(count));
                end = part.end();
            }
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
        return end == trimmed.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }

    private static Unit unitNamed(String name) {
        if (name.equals("m")) {
            return unitNamed("min");
        }
        return DURATION_UNITS.stream().filter(unit -> unit.name().equals(name)).findFirst().orElseThrow();
    }

    static String formatDuration(Duration duration) {
        if (duration.isZero()) {
            return "0";
        }
        for (Unit unit : DURATION_UNITS) {
            Duration one = unit.of(1);
            if (duration.toNanos() % one.toNanos() == 0) {
                return duration.dividedBy(one) + unit.name();
            }
        }
        // Below a microsecond: finer than any timeout the router keeps.
        return duration.toNanos() / 1000 + "us";
    }

    /** Empty when the text is not a size in bytes that fits a long. */
    static Optional<Long> parseSize(String text) {
        Matcher size = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!size.matches()) {
            return Optional.empty();
        }
        String unit = size.group(2) == null ? "b" : size.group(2);
        long multiplier = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1L;
        };
        try {
            return Optional.of(Math.multiplyExact(Long.parseLong(size.group(1)), multiplier));
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    static String formatSize(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "kB";
        }
        return Long.toString(bytes);
    }
}
