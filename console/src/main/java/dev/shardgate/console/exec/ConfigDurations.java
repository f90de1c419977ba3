package dev.shardgate.console.exec;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as router.yaml and coordinator.yaml write them. Units are PostgreSQL's ({@code us ms s
 * min h d}, "Numeric with Unit" in the docs' "Setting Parameters") plus Go's {@code m} for minutes,
 * since SPQR's configs use Go durations; parts may be combined ({@code 1m30s}). "0" needs no unit.
 */
public final class ConfigDurations {
    public static final String EXAMPLES = "a duration such as '500ms', '5s', '1min' or '1m30s'";

    private static final Pattern PART = Pattern.compile("([0-9]+)\\s*(us|ms|min|s|m|h|d)");

    private record Unit(String name, ChronoUnit chronoUnit) {
        Duration of(long count) {
            return chronoUnit.getDuration().multipliedBy(count);
        }
    }

    /** Largest first: formatting picks the largest unit that divides the duration. */
    private static final List<Unit> UNITS = List.of(
            new Unit("d", ChronoUnit.DAYS),
            new Unit("h", ChronoUnit.HOURS),
            new Unit("min", ChronoUnit.MINUTES),
            new Unit("s", ChronoUnit.SECONDS),
            new Unit("ms", ChronoUnit.MILLIS),
            new Unit("us", ChronoUnit.MICROS));

    private ConfigDurations() {
    }

    /** Empty when the text is not a non-negative duration. */
    public static Optional<Duration> parse(String text) {
        String trimmed = text.strip();
        if (trimmed.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        Matcher part = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (end < trimmed.length() && part.find(end) && part.start() == end) {
                total = total.plus(unitNamed(part.group(2)).of(Long.parseLong(part.group(1))));
                end = part.end();
            }
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            return Optional.empty();
        }
        return end == trimmed.length() && end > 0 ? Optional.of(total) : Optional.empty();
    }

    private static Unit unitNamed(String name) {
        String canonical = name.equals("m") ? "min" : name;
        return UNITS.stream().filter(unit -> unit.name().equals(canonical)).findFirst().orElseThrow();
    }

    /** In the largest unit that divides it ({@code 90s}, {@code 2min}, {@code 500ms}); zero is "0". */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0";
        }
        for (Unit unit : UNITS) {
            Duration one = unit.of(1);
            if (duration.toNanos() % one.toNanos() == 0) {
                return duration.dividedBy(one) + unit.name();
            }
        }
        // Below a microsecond: finer than any duration a configuration keeps.
        return duration.toNanos() / 1000 + "us";
    }
}
