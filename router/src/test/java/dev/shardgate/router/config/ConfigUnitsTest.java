package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigUnitsTest {
    /** Durations are ConfigDurations' (console module, ConfigDurationsTest); the delegation is one case here. */
    @Test
    void durationsAreConfigDurations() {
        assertThat(ConfigUnits.parseDuration("1h30m5s")).contains(Duration.ofSeconds(5405));
        assertThat(ConfigUnits.parseDuration("5")).isEmpty();
        assertThat(ConfigUnits.formatDuration(Duration.ofMinutes(1))).isEqualTo("1min");
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
