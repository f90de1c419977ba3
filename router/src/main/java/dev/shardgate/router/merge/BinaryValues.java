package dev.shardgate.router.merge;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * A value in text format turned into PostgreSQL's binary format (the type's send function), for
 * clients that asked for binary results of a merged query: merging reads text, the client gets what
 * it asked for.
 */
public final class BinaryValues {
    /** PostgreSQL's epoch, 2000-01-01, in days and microseconds after the Unix epoch. */
    private static final long POSTGRES_EPOCH_DAYS = 10_957;
    private static final long POSTGRES_EPOCH_MICROS = POSTGRES_EPOCH_DAYS * 86_400_000_000L;

    private BinaryValues() {
    }

    /** Whether values of the type can be sent in binary. */
    public static boolean canEncode(int typeOid) {
        return switch (typeOid) {
            case TypeOids.BOOL, TypeOids.BYTEA, TypeOids.CHAR, TypeOids.NAME, TypeOids.INT8, TypeOids.INT2, TypeOids.INT4,
                 TypeOids.TEXT, TypeOids.OID, TypeOids.FLOAT4, TypeOids.FLOAT8, TypeOids.BPCHAR, TypeOids.VARCHAR,
                 TypeOids.DATE, TypeOids.TIME, TypeOids.TIMESTAMP, TypeOids.TIMESTAMPTZ, TypeOids.NUMERIC, TypeOids.UUID,
                 TypeOids.INTERVAL -> true;
            default -> false;
        };
    }

    /** The binary form of a non-null text value; 0A000 for a type {@link #canEncode} refuses. */
    public static byte[] encode(int typeOid, byte[] text) {
        String value = ValueOrder.text(text);
        return switch (typeOid) {
            case TypeOids.BOOL -> new byte[] {(byte) (value.equals("t") ? 1 : 0)};
            case TypeOids.INT2 -> ByteBuffer.allocate(2).putShort(Short.parseShort(value)).array();
            case TypeOids.INT4 -> ByteBuffer.allocate(4).putInt(Integer.parseInt(value)).array();
            case TypeOids.OID -> ByteBuffer.allocate(4).putInt((int) Long.parseLong(value)).array();
            case TypeOids.INT8 -> ByteBuffer.allocate(8).putLong(Long.parseLong(value)).array();
            case TypeOids.FLOAT4 -> ByteBuffer.allocate(4).putFloat(Float.parseFloat(value)).array();
            case TypeOids.FLOAT8 -> ByteBuffer.allocate(8).putDouble(Double.parseDouble(value)).array();
            case TypeOids.TEXT, TypeOids.VARCHAR, TypeOids.BPCHAR, TypeOids.NAME, TypeOids.CHAR -> text;
            case TypeOids.BYTEA -> HexFormat.of().parseHex(value.substring(2));
            case TypeOids.UUID -> HexFormat.of().parseHex(value.replace("-", ""));
            case TypeOids.DATE -> ByteBuffer.allocate(4).putInt(date(text)).array();
            case TypeOids.TIME -> ByteBuffer.allocate(8).putLong(time(value)).array();
            case TypeOids.TIMESTAMP, TypeOids.TIMESTAMPTZ -> ByteBuffer.allocate(8).putLong(timestamp(text)).array();
            case TypeOids.NUMERIC -> numeric(value);
            case TypeOids.INTERVAL -> Interval.parse(text).binary();
            default -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "binary results of type oid " + typeOid
                    + " are not supported for merged multi-shard queries: ask for text results");
        };
    }

    private static int date(byte[] text) {
        long days = ValueOrder.dateKey(text);
        if (days == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        if (days == Long.MIN_VALUE) {
            return Integer.MIN_VALUE;
        }
        return (int) (days - POSTGRES_EPOCH_DAYS);
    }

    private static long timestamp(byte[] text) {
        long micros = ValueOrder.timestampKey(text);
        return micros == Long.MAX_VALUE || micros == Long.MIN_VALUE ? micros : micros - POSTGRES_EPOCH_MICROS;
    }

    /** {@code HH:MM:SS[.ffffff]} as microseconds after midnight. */
    private static long time(String value) {
        long seconds = Integer.parseInt(value, 0, 2, 10) * 3600L + Integer.parseInt(value, 3, 5, 10) * 60L
                + Integer.parseInt(value, 6, 8, 10);
        long micros = 0;
        if (value.length() > 9) {
            micros = Long.parseLong((value.substring(9) + "000000").substring(0, 6));
        }
        return seconds * 1_000_000 + micros;
    }

    /** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits. */
    static byte[] numeric(String value) {
        short sign = switch (value) {
            case "NaN" -> (short) 0xC000;
            case "Infinity" -> (short) 0xD000;
            case "-Infinity" -> (short) 0xF000;
            default -> value.startsWith("-") ? (short) 0x4000 : 0;
        };
        if (sign != 0 && sign != 0x4000) {
            return ByteBuffer.allocate(8).putShort((short) 0).putShort((short) 0).putShort(sign).putShort((short) 0).array();
        }
        BigDecimal number = new BigDecimal(value);
        int displayScale = Math.max(number.scale(), 0);
        String plain = number.abs().toPlainString();
        int point = plain.indexOf('.');
        String integerPart = point < 0 ? plain : plain.substring(0, point);
        String fractionPart = point < 0 ? "" : plain.substring(point + 1);
        integerPart = "0".repeat((4 - integerPart.length() % 4) % 4) + integerPart;
        fractionPart = fractionPart + "0".repeat((4 - fractionPart.length() % 4) % 4);
        String all = integerPart + fractionPart;
        int groups = all.length() / 4;
        short[] digits = new short[groups];
        for (int i = 0; i < groups; i++) {
            digits[i] = Short.parseShort(all.substring(i * 4, i * 4 + 4));
        }
        int weight = integerPart.length() / 4 - 1;
        int first = 0;
        while (first < groups && digits[first] == 0) {
            first++;
            weight--;
        }
        int last = groups;
        while (last > first && digits[last - 1] == 0) {
            last--;
        }
        if (first == last) {
            weight = 0;
            sign = 0;
        }
        ByteBuffer out = ByteBuffer.allocate(8 + 2 * (last - first));
        out.putShort((short) (last - first)).putShort((short) weight).putShort(sign).putShort((short) displayScale);
        for (int i = first; i < last; i++) {
            out.putShort(digits[i]);
        }
        return out.array();
    }
}
