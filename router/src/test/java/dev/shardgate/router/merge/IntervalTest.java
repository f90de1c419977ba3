package dev.shardgate.router.merge;

import dev.shardgate.wire.PgException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Intervals as PostgreSQL 15 prints, compares, adds and divides them (expected texts are the server's). */
class IntervalTest {
    private static Interval interval(String text) {
        return Interval.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00:00:00", "1 day", "1 mon", "1 year", "-1 mons", "10 days -01:00:00", "-00:00:00.5",
            "1 year 2 mons -3 days +100:00:00.000001", "-1 years -2 mons +3 days -100:00:00.000001",
            "-1 days +02:03:04.5", "2000000000 days", "1 day 12:00:00"})
    void printsWhatItReadsAsPostgresqlPrintsIt(String text) {
        assertThat(interval(text).toString()).isEqualTo(text);
    }

    @Test
    void aMonthIsThirtyDaysAndADayTwentyFourHoursWhenCompared() {
        assertThat(interval("1 day").comparable()).isEqualTo(interval("24:00:00").comparable())
                .isEqualTo(interval("-1 days +48:00:00").comparable());
        assertThat(interval("1 mon").comparable()).isEqualTo(interval("30 days").comparable());
        assertThat(interval("1 mon").comparable()).isGreaterThan(interval("29 days 23:59:59.999999").comparable());
    }

    @Test
    void divisionCarriesFractionsDownAsIntervalDivDoes() {
        assertThat(interval("1 year 2 mons -3 days +100:00:00.000001").dividedBy(7).toString()).isEqualTo("2 mons 04:00:00");
        assertThat(interval("1 mon 1 day").dividedBy(3).toString()).isEqualTo("10 days 08:00:00");
        assertThat(interval("-7 mons 5 days -00:00:01.5").dividedBy(4).toString()).isEqualTo("-1 mons -21 days -06:00:00.375");
    }

    @Test
    void sumsOverflowWithTheDatetimeError() {
        assertThat(interval("1 mon").plus(interval("-3 days 01:00:00")).toString()).isEqualTo("1 mon -3 days +01:00:00");
        assertThatThrownBy(() -> interval("2000000000 days").plus(interval("2000000000 days")))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("22008"));
    }

    @Test
    void binaryFormIsIntervalSends() {
        assertThat(BinaryValues.encode(TypeOids.INTERVAL, "1 year -2 days +00:00:01.5".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(java.nio.ByteBuffer.allocate(16).putLong(1_500_000).putInt(-2).putInt(12).array());
    }

    @Test
    void otherIntervalStylesAreRefused() {
        for (String text : new String[] {"@ 1 day", "P1D", "1-2", "3 4:05:06"}) {
            assertThatThrownBy(() -> interval(text)).as(text)
                    .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getMessage()).contains("IntervalStyle"));
        }
    }
}
