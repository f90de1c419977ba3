package dev.shardgate.router.merge;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Binary forms as PostgreSQL's send functions write them (checked against SELECT …::bytea of *_send). */
class BinaryValuesTest {
    private static String hex(int typeOid, String text) {
        return HexFormat.of().formatHex(BinaryValues.encode(typeOid, text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void numericIsBase10000DigitsWithWeightSignAndScale() {
        // numeric_send(1234567.50): 3 digits, weight 1, positive, dscale 2: 123 4567 5000
        assertThat(hex(TypeOids.NUMERIC, "1234567.50")).isEqualTo("0003" + "0001" + "0000" + "0002" + "007b" + "11d7" + "1388");
        // -0.05: digits [500], weight -1, negative, dscale 2
        assertThat(hex(TypeOids.NUMERIC, "-0.05")).isEqualTo("0001" + "ffff" + "4000" + "0002" + "01f4");
        assertThat(hex(TypeOids.NUMERIC, "0.000")).isEqualTo("0000" + "0000" + "0000" + "0003");
        assertThat(hex(TypeOids.NUMERIC, "10000")).isEqualTo("0001" + "0001" + "0000" + "0000" + "0001");
        assertThat(hex(TypeOids.NUMERIC, "NaN")).isEqualTo("0000" + "0000" + "c000" + "0000");
    }

    @Test
    void datesAndTimestampsCountFrom2000() {
        assertThat(hex(TypeOids.DATE, "2000-01-02")).isEqualTo("00000001");
        assertThat(hex(TypeOids.TIMESTAMPTZ, "2000-01-01 01:00:00.5+01")).isEqualTo("000000000007a120");
        assertThat(hex(TypeOids.TIMESTAMP, "1999-12-31 23:59:59")).isEqualTo("fffffffffff0bdc0");
    }

    @Test
    void integersFloatsAndUuids() {
        assertThat(hex(TypeOids.INT4, "-2")).isEqualTo("fffffffe");
        assertThat(hex(TypeOids.INT8, "1")).isEqualTo("0000000000000001");
        assertThat(hex(TypeOids.FLOAT8, "1.5")).isEqualTo("3ff8000000000000");
        assertThat(hex(TypeOids.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")).isEqualTo("a0eebc999c0b4ef8bb6d6bb9bd380a11");
        assertThat(hex(TypeOids.BOOL, "t")).isEqualTo("01");
    }
}
