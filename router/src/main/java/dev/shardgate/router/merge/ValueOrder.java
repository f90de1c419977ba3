package dev.shardgate.router.merge;

import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The order PostgreSQL's default b-tree operator class gives values of a type, for values in text
 * format as shards send them. Text compares as in the C collation (bytes), which is what a merge of
 * rows each shard sorted can rely on only when the shards use C or POSIX collation.
 */
final class ValueOrder {
    private ValueOrder() {
    }

    /** The order of non-null values of a type; 0A000 naming the column when the merger does not know it. */
    static Comparator<byte[]> of(int typeOid, String column) {
        return of(typeOid, column, ClientEncoding.UTF8);
    }

    /**
     * As above, for values in the client's encoding: text sorts by character (the order of the
     * server's UTF-8 or LATIN1 bytes in the C collation), which is byte order only in UTF8, LATIN1
     * and SQL_ASCII; in WIN1252, SJIS and the like it is read first.
     */
    static Comparator<byte[]> of(int typeOid, String column, ClientEncoding encoding) {
        boolean bytesInCharacterOrder = encoding.isUtf8() || encoding.textCharset().equals(StandardCharsets.ISO_8859_1);
        if (!bytesInCharacterOrder && switch (typeOid) {
            case TypeOids.TEXT, TypeOids.VARCHAR, TypeOids.BPCHAR, TypeOids.NAME, TypeOids.CHAR -> true;
            default -> false;
        }) {
            // bpchar compares without its trailing blanks (bpcharcmp)
            boolean blankPadded = typeOid == TypeOids.BPCHAR;
            return (a, b) -> compareCodePoints(
                    encoding.decode(a, 0, blankPadded ? withoutTrailingBlanks(a) : a.length),
                    encoding.decode(b, 0, blankPadded ? withoutTrailingBlanks(b) : b.length));
        }
        return switch (typeOid) {
            case TypeOids.INT2, TypeOids.INT4, TypeOids.INT8, TypeOids.OID ->
                    Comparator.comparingLong(ValueOrder::integer);
            case TypeOids.NUMERIC -> ValueOrder::compareNumeric;
            case TypeOids.FLOAT4, TypeOids.FLOAT8 -> ValueOrder::compareFloat;
            // bpchar compares without its trailing blanks (bpcharcmp)
            case TypeOids.BPCHAR -> (a, b) -> Arrays.compareUnsigned(a, 0, withoutTrailingBlanks(a), b, 0, withoutTrailingBlanks(b));
            case TypeOids.TEXT, TypeOids.VARCHAR, TypeOids.NAME, TypeOids.CHAR, TypeOids.BOOL,
                 TypeOids.UUID, TypeOids.BYTEA, TypeOids.TIME -> Arrays::compareUnsigned;
            case TypeOids.DATE -> Comparator.comparingLong(ValueOrder::dateKey);
            case TypeOids.TIMESTAMP, TypeOids.TIMESTAMPTZ -> Comparator.comparingLong(ValueOrder::timestampKey);
            case TypeOids.INTERVAL -> Comparator.comparing(value -> Interval.parse(value).comparable());
            default -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "column \"" + column
                    + "\" has a type (oid " + typeOid + ") whose order the router cannot merge from several shards");
        };
    }

    /** The length of a bpchar value without its trailing blanks. */
    static int withoutTrailingBlanks(byte[] value) {
        int end = value.length;
        while (end > 0 && value[end - 1] == ' ') {
            end--;
        }
        return end;
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    static long integer(byte[] value) {
        return Long.parseLong(text(value));
    }

    static String text(byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }

    /** numeric: NaN above +Infinity above every number above -Infinity, as in PostgreSQL. */
    static int compareNumeric(byte[] a, byte[] b) {
        String x = text(a);
        String y = text(b);
        int rankX = numericRank(x);
        int rankY = numericRank(y);
        if (rankX != rankY || rankX != 1) {
            return Integer.compare(rankX, rankY);
        }
        return new BigDecimal(x).compareTo(new BigDecimal(y));
    }

    private static int numericRank(String value) {
        return switch (value) {
            case "NaN" -> 3;
            case "Infinity" -> 2;
            case "-Infinity" -> 0;
            default -> 1;
        };
    }

    /** float: NaN above everything, -0 equal to 0, as in PostgreSQL. */
    static int compareFloat(byte[] a, byte[] b) {
        double x = Double.parseDouble(text(a));
        double y = Double.parseDouble(text(b));
        return x == y ? 0 : Double.compare(x, y);
    }

    /** Days since the epoch of an ISO date, {@code YYYY-MM-DD[ BC]}, or ±infinity. */
    static long dateKey(byte[] value) {
        String s = text(value);
        return switch (s) {
            case "infinity" -> Long.MAX_VALUE;
            case "-infinity" -> Long.MIN_VALUE;
            default -> {
                boolean bc = s.endsWith(" BC");
                yield dateOf(bc ? s.substring(0, s.length() - 3) : s, bc).toEpochDay();
            }
        };
    }

    /**
     * Microseconds since the epoch of an ISO timestamp (DateStyle ISO, PostgreSQL's default):
     * {@code YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]}; the offset of timestamptz counts, so
     * values shown in different offsets (around a DST change) still order by instant.
     */
    static long timestampKey(byte[] value) {
        String s = text(value);
        switch (s) {
            case "infinity" -> {
                return Long.MAX_VALUE;
            }
            case "-infinity" -> {
                return Long.MIN_VALUE;
            }
            default -> { }
        }
        boolean bc = s.endsWith(" BC");
        if (bc) {
            s = s.substring(0, s.length() - 3);
        }
        int space = s.indexOf(' ');
        if (space < 0 || s.length() < space + 9) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "timestamp \"" + s
                    + "\" is not in DateStyle ISO, which merging rows of several shards needs");
        }
        long days = dateOf(s.substring(0, space), bc).toEpochDay();
        int t = space + 1;
        long seconds = Integer.parseInt(s, t, t + 2, 10) * 3600L + Integer.parseInt(s, t + 3, t + 5, 10) * 60L
                + Integer.parseInt(s, t + 6, t + 8, 10);
        int i = t + 8;
        long micros = 0;
        if (i < s.length() && s.charAt(i) == '.') {
            int start = ++i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            String fraction = (s.substring(start, i) + "000000").substring(0, 6);
            micros = Long.parseLong(fraction);
        }
        long offsetSeconds = 0;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            int sign = s.charAt(i) == '-' ? -1 : 1;
            String[] parts = s.substring(i + 1).split(":");
            offsetSeconds = Integer.parseInt(parts[0]) * 3600L;
            if (parts.length > 1) {
                offsetSeconds += Integer.parseInt(parts[1]) * 60L;
            }
            if (parts.length > 2) {
                offsetSeconds += Integer.parseInt(parts[2]);
            }
            offsetSeconds *= sign;
        }
        return ((days * 86_400 + seconds - offsetSeconds) * 1_000_000) + micros;
    }

    private static LocalDate dateOf(String ymd, boolean bc) {
        int firstDash = ymd.indexOf('-');
        int year = Integer.parseInt(ymd, 0, firstDash, 10);
        int month = Integer.parseInt(ymd, firstDash + 1, firstDash + 3, 10);
        int day = Integer.parseInt(ymd, firstDash + 4, firstDash + 6, 10);
        // 1 BC is ISO year 0
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }
}
