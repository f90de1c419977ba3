package dev.shardgate.router.merge;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * The equality of a type's default operator class, which GROUP BY and DISTINCT group by, as a key
 * that is equal exactly when PostgreSQL finds two values equal: their texts may differ ({@code 2.0}
 * and {@code 2.00}, {@code 0} and {@code -0}, {@code 1 day} and {@code 24:00:00}).
 */
final class ValueEquality {
    private ValueEquality() {
    }

    /** The key of non-null values of a type; 0A000 naming the column when the router does not know its equality. */
    static Function<byte[], Object> of(int typeOid, String column) {
        return switch (typeOid) {
            // the output function prints equal values alike and different ones differently (text: under
            // a deterministic collation; arrays: array_eq also compares dimensions, which the text shows)
            case TypeOids.INT2, TypeOids.INT4, TypeOids.INT8, TypeOids.OID, TypeOids.TEXT, TypeOids.VARCHAR,
                 TypeOids.NAME, TypeOids.CHAR, TypeOids.BOOL, TypeOids.UUID, TypeOids.BYTEA, TypeOids.DATE,
                 TypeOids.TIME, TypeOids.TIMETZ, TypeOids.TIMESTAMP, TypeOids.TIMESTAMPTZ, TypeOids.MONEY,
                 TypeOids.INET, TypeOids.CIDR, TypeOids.MACADDR, TypeOids.BOOL_ARRAY, TypeOids.INT2_ARRAY,
                 TypeOids.INT4_ARRAY, TypeOids.INT8_ARRAY, TypeOids.TEXT_ARRAY, TypeOids.VARCHAR_ARRAY,
                 TypeOids.DATE_ARRAY, TypeOids.UUID_ARRAY -> ByteBuffer::wrap;
            // bpchareq ignores trailing blanks
            case TypeOids.BPCHAR -> ValueEquality::withoutTrailingBlanks;
            case TypeOids.NUMERIC -> ValueEquality::numeric;
            case TypeOids.FLOAT4, TypeOids.FLOAT8 -> ValueEquality::floating;
            case TypeOids.INTERVAL -> value -> Interval.parse(value).comparable();
            default -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "GROUP BY or DISTINCT over column \"" + column
                    + "\" (type oid " + typeOid + ") cannot be merged from several shards: the router does not know"
                    + " the type's equality");
        };
    }

    private static Object withoutTrailingBlanks(byte[] value) {
        return ByteBuffer.wrap(value, 0, ValueOrder.withoutTrailingBlanks(value));
    }

    /** numeric: equal by value whatever the scale; NaN equals NaN (numeric_eq), infinities themselves. */
    private static Object numeric(byte[] value) {
        String text = ValueOrder.text(value);
        return switch (text) {
            case "NaN", "Infinity", "-Infinity" -> text;
            default -> new BigDecimal(text).stripTrailingZeros();
        };
    }

    /** float4 and float8: -0 equals 0, and NaN equals NaN (float8eq), unlike IEEE. */
    private static Object floating(byte[] value) {
        double number = Double.parseDouble(ValueOrder.text(value));
        return number == 0 ? 0.0 : number;
    }
}
