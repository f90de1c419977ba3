package dev.shardgate.meta;

import java.util.UUID;

/**
 * One column of a key or of a key range bound, compared within its kind.
 *
 * <p>Orders, chosen to match PostgreSQL where there is a counterpart: integers numerically;
 * varchars by their UTF-8 bytes, as unsigned bytes (PostgreSQL's C collation), which is the order
 * of Unicode code points; uuids by their 128-bit value read as unsigned (the byte order PostgreSQL
 * sorts uuids in, and not {@link UUID#compareTo}, which compares signed halves); hashes as
 * unsigned 32-bit numbers. Values of different kinds do not compare.
 */
public sealed interface KeyValue extends Comparable<KeyValue> {

    record IntegerValue(long value) implements KeyValue {
    }

    record VarcharValue(String value) implements KeyValue {
        public VarcharValue {
            if (value == null) {
                throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "a varchar key must not be null");
            }
        }
    }

    record UuidValue(UUID value) implements KeyValue {
        public UuidValue {
            if (value == null) {
                throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "a uuid key must not be null");
            }
        }
    }

    /** An unsigned 32-bit hash, held in a long in [0, 2^32). */
    record HashValue(long value) implements KeyValue {
        public HashValue {
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new MetadataException(MetadataException.NUMERIC_VALUE_OUT_OF_RANGE,
                        "hash value " + value + " is not an unsigned 32-bit number");
            }
        }

        public static HashValue ofBits(int bits) {
            return new HashValue(Integer.toUnsignedLong(bits));
        }
    }

    static IntegerValue integer(long value) {
        return new IntegerValue(value);
    }

    static VarcharValue varchar(String value) {
        return new VarcharValue(value);
    }

    static UuidValue uuid(UUID value) {
        return new UuidValue(value);
    }

    static HashValue hash(long value) {
        return new HashValue(value);
    }

    /**
     * @throws MetadataException 42804 when the two values are of different kinds
     */
    @Override
    default int compareTo(KeyValue other) {
        return switch (this) {
            case IntegerValue a -> other instanceof IntegerValue b ? Long.compare(a.value(), b.value()) : mismatch(other);
            case VarcharValue a -> other instanceof VarcharValue b ? compareUtf8(a.value(), b.value()) : mismatch(other);
            case UuidValue a -> other instanceof UuidValue b ? compareUnsigned(a.value(), b.value()) : mismatch(other);
            case HashValue a -> other instanceof HashValue b ? Long.compare(a.value(), b.value()) : mismatch(other);
        };
    }

    private int mismatch(KeyValue other) {
        throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                "cannot compare " + kind() + " " + display() + " with " + other.kind() + " " + other.display());
    }

    /** The kind's name in messages: integer, varchar, uuid or hash. */
    default String kind() {
        return switch (this) {
            case IntegerValue _ -> "integer";
            case VarcharValue _ -> "varchar";
            case UuidValue _ -> "uuid";
            case HashValue _ -> "hash";
        };
    }

    /** The value as its column type's text input takes it back: digits, the string itself, a uuid. */
    default String text() {
        return switch (this) {
            case IntegerValue v -> Long.toString(v.value());
            case VarcharValue v -> v.value();
            case UuidValue v -> v.value().toString();
            case HashValue v -> Long.toString(v.value());
        };
    }

    /** The value as a console literal: numbers bare, strings and uuids in single quotes. */
    default String display() {
        return switch (this) {
            case IntegerValue v -> Long.toString(v.value());
            case VarcharValue v -> "'" + v.value().replace("'", "''") + "'";
            case UuidValue v -> "'" + v.value() + "'";
            case HashValue v -> Long.toString(v.value());
        };
    }

    /** Code point order, which is the unsigned byte order of the UTF-8 encodings, without encoding. */
    static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (ca == cb && !Character.isSurrogate(ca)) {
                i++;
                j++;
                continue;
            }
            int pa = a.codePointAt(i);
            int pb = b.codePointAt(j);
            if (pa != pb) {
                return Integer.compare(pa, pb);
            }
            i += Character.charCount(pa);
            j += Character.charCount(pb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    static int compareUnsigned(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
