package dev.shardgate.coordinator.config;

import dev.shardgate.console.exec.ConfigDurations;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * coordinator.yaml's {@code balancer} section: the continuous balancer, which runs one bounded
 * REBALANCE round per distribution every interval on the active coordinator. Off unless enabled.
 *
 * @param interval         how long the balancer waits between two looks at the distributions
 * @param thresholdPercent how far from the mean a shard may be before a round runs, as REBALANCE's THRESHOLD
 * @param byBytes          weigh key ranges by estimated bytes instead of rows (REBALANCE's BY BYTES)
 * @param maxMoves         the most MOVE steps one round runs, one after another
 */
public record BalancerConfig(boolean enabled, Duration interval, int thresholdPercent, boolean byBytes, int maxMoves) {
    static final List<String> KEYS = List.of("enabled", "interval", "threshold", "by", "max_moves");
    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    public BalancerConfig {
        Objects.requireNonNull(interval);
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("balancer interval must be at least 100ms: " + interval);
        }
        if (thresholdPercent < 0 || thresholdPercent > 100) {
            throw new IllegalArgumentException("balancer threshold must be 0..100: " + thresholdPercent);
        }
        if (maxMoves < 1) {
            throw new IllegalArgumentException("balancer max_moves must be positive: " + maxMoves);
        }
    }

    /** Off; when enabled: every 60 s, 10 %, by rows, one move per round. */
    public static BalancerConfig defaults() {
        return new BalancerConfig(false, DEFAULT_INTERVAL, 10, false, 1);
    }

    public BalancerConfig withEnabled(boolean value) {
        return new BalancerConfig(value, interval, thresholdPercent, byBytes, maxMoves);
    }

    /** As RELOAD and SHOW file_settings print it. */
    @Override
    public String toString() {
        return "enabled=" + enabled + " interval=" + durationText(interval) + " threshold=" + thresholdPercent + " by="
                + (byBytes ? "bytes" : "rows") + " max_moves=" + maxMoves;
    }

    static String durationText(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    static BalancerConfig read(Section section) {
        BalancerConfig d = defaults();
        boolean enabled = section.oneOf("enabled", List.of("true", "false", "on", "off", "yes", "no"))
                .map(text -> text.equals("true") || text.equals("on") || text.equals("yes")).orElse(d.enabled());
        Duration interval = section.text("interval").map(text -> duration(section, text)).orElse(d.interval());
        int threshold = section.text("threshold").map(text -> {
            Optional<Integer> value = integer(text);
            if (value.isEmpty() || value.get() < 0 || value.get() > 100) {
                throw section.error("threshold", "must be a percentage 0..100, got '" + text + "'");
            }
            return value.get();
        }).orElse(d.thresholdPercent());
        boolean byBytes = section.oneOf("by", List.of("rows", "bytes")).map("bytes"::equals).orElse(d.byBytes());
        int maxMoves = section.text("max_moves").map(text -> {
            Optional<Integer> value = integer(text);
            if (value.isEmpty() || value.get() < 1) {
                throw section.error("max_moves", "must be a positive number of moves, got '" + text + "'");
            }
            return value.get();
        }).orElse(d.maxMoves());
        return new BalancerConfig(enabled, interval, threshold, byBytes, maxMoves);
    }

    /** A duration as router.yaml's ({@link ConfigDurations}), or a bare number of seconds. */
    private static Duration duration(Section section, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration value = t.matches("[0-9]+") ? integer(t).map(seconds -> Duration.ofSeconds(seconds)).orElse(null)
                : ConfigDurations.parse(t).orElse(null);
        if (value == null || value.compareTo(Duration.ofMillis(100)) < 0) {
            throw section.error("interval", "must be a duration of at least 100ms (500ms, 30s, 5m, 1min, 1h, 1m30s), got '"
                    + text + "'");
        }
        return value;
    }

    private static Optional<Integer> integer(String text) {
        try {
            return Optional.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
