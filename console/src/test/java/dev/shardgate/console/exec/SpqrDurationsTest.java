package dev.shardgate.console.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations print as Go's time.Duration.String(), which SPQR's answers use. */
class SpqrDurationsTest {
    @Test
    void unitsAndFractionsAsGoWritesThem() {
        assertThat(SpqrDurations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(SpqrDurations.format(Duration.ofNanos(999))).isEqualTo("999ns");
        assertThat(SpqrDurations.format(Duration.ofNanos(1_500))).isEqualTo("1.5µs");
        assertThat(SpqrDurations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(SpqrDurations.format(Duration.ofNanos(12_345_678))).isEqualTo("12.345678ms");
        assertThat(SpqrDurations.format(Duration.ofMillis(1_500))).isEqualTo("1.5s");
        assertThat(SpqrDurations.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(SpqrDurations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(SpqrDurations.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(SpqrDurations.format(Duration.ofMillis(3_723_500))).isEqualTo("1h2m3.5s");
        assertThat(SpqrDurations.format(Duration.ofMillis(-250))).isEqualTo("-250ms");
    }
}
