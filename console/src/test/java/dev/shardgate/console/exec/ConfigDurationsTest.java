package dev.shardgate.console.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The durations router.yaml and coordinator.yaml accept, and how they are written back. */
class ConfigDurationsTest {

    @Test
    void postgresAndGoUnitsCombine() {
        assertThat(ConfigDurations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(ConfigDurations.parse("5s")).contains(Duration.ofSeconds(5));
        assertThat(ConfigDurations.parse(" 5s ")).contains(Duration.ofSeconds(5));
        assertThat(ConfigDurations.parse("5 s")).contains(Duration.ofSeconds(5));
        assertThat(ConfigDurations.parse("1min")).contains(Duration.ofMinutes(1));
        assertThat(ConfigDurations.parse("2min")).contains(Duration.ofMinutes(2));
        assertThat(ConfigDurations.parse("2m")).contains(Duration.ofMinutes(2));
        assertThat(ConfigDurations.parse("1m30s")).contains(Duration.ofSeconds(90));
        assertThat(ConfigDurations.parse("1h30m5s")).contains(Duration.ofSeconds(5405));
        assertThat(ConfigDurations.parse("1h0m0s")).contains(Duration.ofHours(1));
        assertThat(ConfigDurations.parse("1d")).contains(Duration.ofDays(1));
        assertThat(ConfigDurations.parse("2d")).contains(Duration.ofDays(2));
        assertThat(ConfigDurations.parse("250us")).contains(Duration.ofNanos(250_000));
        assertThat(ConfigDurations.parse("0")).contains(Duration.ZERO);
    }

    @Test
    void anythingElseIsNoDuration() {
        for (String bad : new String[] {"", "5", "soon", "5 parsecs", "5 sec", "-1s", "-5s", "1.5s", "s", "1s 2",
                "99999999999999999999s", "99999999999999999999d", "9999999999999999d"}) {
            assertThat(ConfigDurations.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void writtenInTheLargestUnitThatDividesIt() {
        assertThat(ConfigDurations.format(Duration.ZERO)).isEqualTo("0");
        assertThat(ConfigDurations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ConfigDurations.format(Duration.ofMinutes(1))).isEqualTo("1min");
        assertThat(ConfigDurations.format(Duration.ofMinutes(2))).isEqualTo("2min");
        assertThat(ConfigDurations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(ConfigDurations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ConfigDurations.format(Duration.ofDays(1))).isEqualTo("1d");
    }
}
