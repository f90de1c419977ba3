package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigUnitsTest {
    @Test
    void durationsInPostgresAndGoUnits() {
        assertThat(ConfigUnits.parseDuration("500ms")).contains(Duration.ofMillis(500));
        assertThat(ConfigUnits.parseDuration("5s")).contains(Duration.ofSeconds(5));
        assertThat(ConfigUnits.parseDuration("5 s")).contains(Duration.ofSeconds(5));
        assertThat(ConfigUnits.parseDuration("2min")).contains(Duration.ofMinutes(2));
        assertThat(ConfigUnits.parseDuration("2m")).contains(Duration.ofMinutes(2));
        assertThat(ConfigUnits.parseDuration("1h30m5s")).contains(Duration.ofSeconds(5405));
        assertThat(ConfigUnits.parseDuration("1d")).contains(Duration.ofDays(1));
        assertThat(ConfigUnits.parseDuration("250us")).contains(Duration.ofNanos(250_000));
        assertThat(ConfigUnits.parseDuration("0")).contains(Duration.ZERO);
    }

    @Test
    void durationsRejected() {
        assertThat(ConfigUnits.parseDuration("5")).isEmpty();
        assertThat(ConfigUnits.parseDuration("-5s")).isEmpty();
        assertThat(ConfigUnits.parseDuration("1.5s")).isEmpty();
        assertThat(ConfigUnits.parseDuration("5 sec")).isEmpty();
        assertThat(ConfigUnits.parseDuration("s")).isEmpty();
        assertThat(ConfigUnits.parseDuration("")).isEmpty();
        assertThat(ConfigUnits.parseDuration("99999999999999999999d")).isEmpty();
        assertThat(ConfigUnits.parseDuration("9999999999999999d")).isEmpty();
    }

    @Test
    void durationsFormatInLargestExactUnit() {
        assertThat(ConfigUnits.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigUnits.formatDuration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigUnits.formatDuration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(ConfigUnits.formatDuration(Duration.ofMinutes(1))).isEqualTo("1min");
        assertThat(ConfigUnits.formatDuration(Duration.ZERO)).isEqualTo("0");
    }

    @Test
    void sizesAreMultiplesOf1024() {
        assertThat(ConfigUnits.parseSize("8192")).contains(8192L);
        assertThat(ConfigUnits.parseSize("64kB")).contains(64L << 10);
        assertThat(ConfigUnits.parseSize("256MB")).contains(256L << 20);
        assertThat(ConfigUnits.parseSize("256 MiB")).contains(256L << 20);
        assertThat(ConfigUnits.parseSize("1GB")).contains(1L << 30);
        assertThat(ConfigUnits.parseSize("1TB")).isEmpty();
        assertThat(ConfigUnits.parseSize("-1")).isEmpty();
        assertThat(ConfigUnits.parseSize("99999999999999GB")).isEmpty();
        assertThat(ConfigUnits.formatSize(256L << 20)).isEqualTo("256MB");
        assertThat(ConfigUnits.formatSize(1000)).isEqualTo("1000");
    }
}
