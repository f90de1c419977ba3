package dev.shardgate.meta;

import dev.shardgate.meta.hash.CityHash32;
import dev.shardgate.meta.hash.Murmur3;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * How a relation's key column value becomes the distribution's key value. {@link #IDENT} uses the
 * value as it is (plain column types); {@link #MURMUR} and {@link #CITY} turn it into an unsigned
 * 32-bit hash (hashed column types).
 *
 * <p>The bytes hashed follow SPQR so that data placed by SPQR routes the same here: a varchar's
 * UTF-8 bytes; a uuid's canonical lower-case text; an integer's two's-complement value as an
 * unsigned LEB128 varint, zero-padded to 8 bytes (to 10 bytes when the unsigned value is at least
 * 2^56, which includes every negative number).
 */
public enum HashFunction {
    IDENT("ident"),
    MURMUR("murmur"),
    CITY("city");

    private final String consoleName;

    HashFunction(String consoleName) {
        this.consoleName = consoleName;
    }

    /** The console spelling: {@code ident}, {@code murmur}, {@code city}. */
    public String consoleName() {
        return consoleName;
    }

    @Override
    public String toString() {
        return consoleName;
    }

    /** Accepts the console spellings, case-insensitively, and SPQR's alias {@code identity}. */
    public static HashFunction parse(String text) {
        String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "ident", "identity" -> IDENT;
            case "murmur" -> MURMUR;
            case "city" -> CITY;
            default -> throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                    "hash function " + MetadataException.quote(String.valueOf(text))
                            + " does not exist (expected ident, murmur or city)");
        };
    }

    public boolean isIdentity() {
        return this == IDENT;
    }

    /** The unsigned 32-bit hash of {@code bytes}, as a long in [0, 2^32). */
    public long hashBytes(byte[] bytes) {
        int bits = switch (this) {
            case IDENT -> throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                    "hash function ident does not hash values");
            case MURMUR -> Murmur3.hash32(bytes, 0);
            case CITY -> CityHash32.hash(bytes);
        };
        return Integer.toUnsignedLong(bits);
    }

    public long hashInteger(long value) {
        return hashBytes(integerBytes(value));
    }

    public long hashVarchar(String value) {
        return hashBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public long hashUuid(UUID value) {
        return hashBytes(value.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes an integer is hashed from; see the class comment. */
    static byte[] integerBytes(long value) {
        boolean wide = Long.compareUnsigned(value, 1L << 56) >= 0;
        byte[] bytes = new byte[wide ? 10 : 8];
        long rest = value;
        int i = 0;
        while (Long.compareUnsigned(rest, 0x80) >= 0) {
            bytes[i++] = (byte) (rest & 0x7f | 0x80);
            rest >>>= 7;
        }
        bytes[i] = (byte) rest;
        return bytes;
    }
}
