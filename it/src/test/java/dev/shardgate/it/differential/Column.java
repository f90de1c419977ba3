package dev.shardgate.it.differential;

import java.util.List;
import java.util.Random;

/**
 * The non-key columns of table {@code t1}, one per type under test, each with literals that include
 * the values where PostgreSQL's semantics are subtle: NULL, -0, NaN, ±Infinity, extremes, equal values
 * with different text (2.0/2.00, '1 day'/'24:00:00'), multibyte text.
 */
enum Column {
    I4("int", true, true,
            List.of("0", "1", "-1", "42", "7", "7", "100"),
            List.of("2147483647", "-2147483648")),
    I8("bigint", true, true,
            List.of("0", "-5", "123456789012", "3", "3"),
            List.of("9223372036854775807", "-9223372036854775808")),
    NUM("numeric", true, true,
            List.of("0", "2.0", "2.00", "2", "-0.5", "-1.50", "10.25"),
            List.of("123456789012345678901234567890.123456789", "'NaN'", "0.00000000000000000001")),
    F4("float4", true, true,
            List.of("0", "'-0'", "1.5", "0.1", "-2.25"),
            List.of("'NaN'", "'Infinity'", "'-Infinity'", "3.4e38", "1e-30")),
    F8("float8", true, true,
            List.of("0", "'-0'", "0.1", "2.5", "-7.75"),
            List.of("'NaN'", "'Infinity'", "'-Infinity'", "1.7976931348623157e308", "1e-300")),
    TXT("text", false, true,
            List.of("''", "'a'", "'B'", "'b'", "'é'", "'É'", "'日本語'", "'zebra'", "'Apple'", "' x'", "'a-b'", "'ab'"),
            List.of("'a\\b'", "'tab\there'")),
    TXT_ICU("text", false, true,
            List.of("'a'", "'B'", "'b'", "'é'", "'e'", "'Ä'", "'z'", "'日本'", "'A'", "'a b'", "'ab'"),
            List.of("''", "'ß'")),
    FLAG("bool", false, false,
            List.of("true", "false"),
            List.of()),
    TS("timestamptz", false, true,
            List.of("'2024-03-31 01:30:00+00'", "'1970-01-01 00:00:00+00'", "'2000-02-29 12:00:00.123456+00'",
                    "'2024-10-27 00:59:59.999999+00'"),
            List.of("'infinity'", "'-infinity'")),
    IV("interval", true, true,
            List.of("'1 day'", "'24:00:00'", "'1 mon'", "'30 days'", "'-1 hours'", "'0'"),
            List.of("'1 year 2 mons 3 days 04:05:06.5'", "'720:00:00'")),
    U("uuid", false, false,
            List.of("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'123e4567-e89b-12d3-a456-426614174000'"),
            List.of("'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'")),
    CH("char(4)", false, true,
            List.of("'ab'", "'abcd'", "'x'", "'é'"),
            List.of("''")),
    ;

    final String type;
    /** sum and avg apply. */
    final boolean summable;
    /** min and max apply (PostgreSQL 15 has none for bool and uuid). */
    final boolean ordered;
    private final List<String> ordinary;
    private final List<String> special;

    Column(String type, boolean summable, boolean ordered, List<String> ordinary, List<String> special) {
        this.type = type;
        this.summable = summable;
        this.ordered = ordered;
        this.ordinary = ordinary;
        this.special = special;
    }

    String sqlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A literal of the column's type, NULL one time in eight, a special value one time in six. */
    String literal(Random random) {
        int roll = random.nextInt(48);
        if (roll < 6) {
            return "NULL";
        }
        List<String> pool = roll < 14 && !special.isEmpty() ? special : ordinary;
        String value = pool.get(random.nextInt(pool.size()));
        return value.startsWith("'") ? "E" + value.replace("\\", "\\\\").replace("\t", "\\t") + "::" + type : "(" + value + ")::" + type;
    }

    static Column any(Random random) {
        return values()[random.nextInt(values().length)];
    }
}
