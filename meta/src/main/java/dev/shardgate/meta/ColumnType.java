package dev.shardgate.meta;

import java.util.Locale;

/**
 * The type of one column of a distribution's key. Plain types compare the column's values
 * themselves; hashed types compare an unsigned 32-bit hash of them, so their key range bounds are
 * numbers in [0, 2^32).
 */
public enum ColumnType {
    INTEGER("integer"),
    VARCHAR("varchar"),
    UUID("uuid"),
    INTEGER_HASH("integer hash"),
    VARCHAR_HASH("varchar hash"),
    UUID_HASH("uuid hash");

    private final String consoleName;

    ColumnType(String consoleName) {
        this.consoleName = consoleName;
    }

    /** The console spelling, e.g. {@code varchar hash}. */
    public String consoleName() {
        return consoleName;
    }

    @Override
    public String toString() {
        return consoleName;
    }

    /**
     * Parses the console spelling case-insensitively with any spacing; {@code hashed} is accepted
     * for {@code hash} because SPQR stores {@code varchar hashed}.
     */
    public static ColumnType parse(String text) {
        String name = text == null ? "" : String.join(" ", text.trim().toLowerCase(Locale.ROOT).split("\\s+"));
        if (name.endsWith(" hashed")) {
            name = name.substring(0, name.length() - "ed".length());
        }
        for (ColumnType type : values()) {
            if (type.consoleName.equals(name)) {
                return type;
            }
        }
        throw new MetadataException(MetadataException.UNDEFINED_OBJECT,
                "type " + MetadataException.quote(String.valueOf(text)) + " is not a distribution column type"
                        + " (expected integer, varchar, uuid, integer hash, varchar hash or uuid hash)");
    }

    public boolean isHashed() {
        return switch (this) {
            case INTEGER, VARCHAR, UUID -> false;
            case INTEGER_HASH, VARCHAR_HASH, UUID_HASH -> true;
        };
    }

    /** The hashed type of the same values: {@code integer} → {@code integer hash}; hashed types are themselves. */
    public ColumnType hashed() {
        return switch (this) {
            case INTEGER, INTEGER_HASH -> INTEGER_HASH;
            case VARCHAR, VARCHAR_HASH -> VARCHAR_HASH;
            case UUID, UUID_HASH -> UUID_HASH;
        };
    }

    /** Whether a key or bound value of this kind belongs in a column of this type. */
    public boolean accepts(KeyValue value) {
        return switch (value) {
            case KeyValue.IntegerValue _ -> this == INTEGER;
            case KeyValue.VarcharValue _ -> this == VARCHAR;
            case KeyValue.UuidValue _ -> this == UUID;
            case KeyValue.HashValue _ -> isHashed();
        };
    }

    /** Whether a relation column of this type may use {@code hash}: hashed types need a hash. */
    public boolean allows(HashFunction hash) {
        return isHashed() != hash.isIdentity();
    }

    /**
     * The comparable key for a raw column value: {@link Long}, {@link Integer}, {@link Short} or
     * {@link Byte} for integer types, {@link String} for varchar types, {@link java.util.UUID} for
     * uuid types. Hashed types hash the value with {@code hash}.
     *
     * @throws MetadataException 42804 when the value's Java type or the hash function does not fit
     */
    public KeyValue keyOf(HashFunction hash, Object raw) {
        if (!allows(hash)) {
            throw new MetadataException(MetadataException.DATATYPE_MISMATCH,
                    "hash function " + hash + " cannot be used with column type " + this);
        }
        return switch (this) {
            case INTEGER -> new KeyValue.IntegerValue(integer(raw));
            case VARCHAR -> new KeyValue.VarcharValue(varchar(raw));
            case UUID -> new KeyValue.UuidValue(uuid(raw));
            case INTEGER_HASH -> new KeyValue.HashValue(hash.hashInteger(integer(raw)));
            case VARCHAR_HASH -> new KeyValue.HashValue(hash.hashVarchar(varchar(raw)));
            case UUID_HASH -> new KeyValue.HashValue(hash.hashUuid(uuid(raw)));
        };
    }

    /**
     * The comparable key for a column value in PostgreSQL's text format (a literal's text or a
     * text-format parameter): integers are bigints, uuids follow PostgreSQL's uuid input syntax.
     *
     * @throws MetadataException 22P02 or 22003 when the text is not a value of the column's type
     */
    public KeyValue keyOfText(HashFunction hash, String text) {
        Object raw = switch (this) {
            case INTEGER, INTEGER_HASH -> ValueText.bigint(text);
            case VARCHAR, VARCHAR_HASH -> text;
            case UUID, UUID_HASH -> ValueText.uuid(text);
        };
        return keyOf(hash, raw);
    }

    private long integer(Object raw) {
        return switch (raw) {
            case Long l -> l;
            case Integer i -> i;
            case Short s -> s;
            case Byte b -> b;
            case null, default -> throw mismatch(raw);
        };
    }

    private String varchar(Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        throw mismatch(raw);
    }

    private java.util.UUID uuid(Object raw) {
        if (raw instanceof java.util.UUID u) {
            return u;
        }
        throw mismatch(raw);
    }

    private MetadataException mismatch(Object raw) {
        String kind = raw == null ? "null" : raw.getClass().getSimpleName();
        return new MetadataException(MetadataException.DATATYPE_MISMATCH,
                "a value of Java type " + kind + " cannot be a key of column type " + this);
    }
}
