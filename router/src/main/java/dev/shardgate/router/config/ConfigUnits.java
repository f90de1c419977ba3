package dev.shardgate.router.config;

import dev.shardgate.console.exec.ConfigDurations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations and byte sizes as written in router.yaml. Durations are {@link ConfigDurations}' (the
 * coordinator reads its own the same way). Size units follow PostgreSQL: {@code kB MB GB} are
 * multiples of 1024; {@code KiB MiB GiB} are accepted as the same; a bare number is bytes.
 */
final class ConfigUnits {
    static final String DURATION_EXAMPLES = ConfigDurations.EXAMPLES;
    static final String SIZE_EXAMPLES = "a size such as '8192', '64kB', '256MB' or '1GB'";

    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(b|kb|kib|mb|mib|gb|gib)?");

    private ConfigUnits() {
    }

    /** Empty when the text is not a non-negative duration. "0" needs no unit. */
    static Optional<Duration> parseDuration(String text) {
        return ConfigDurations.parse(text);
    }

    static String formatDuration(Duration duration) {
        return ConfigDurations.format(duration);
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
