package dev.shardgate.meta;

import java.util.regex.Pattern;

/**
 * A rejected metadata operation: a PostgreSQL SQLSTATE and a message naming the object. The meta
 * module depends on nothing of ours, so this carries the SQLSTATE as its five-character code; the
 * console turns it into the client's ErrorResponse.
 */
public class MetadataException extends RuntimeException {
    public static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
    public static final String CHARACTER_NOT_IN_REPERTOIRE = "22021";
    public static final String INVALID_PARAMETER_VALUE = "22023";
    public static final String INVALID_TEXT_REPRESENTATION = "22P02";
    public static final String FEATURE_NOT_SUPPORTED = "0A000";
    public static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";
    public static final String INVALID_NAME = "42602";
    public static final String UNDEFINED_TABLE = "42P01";
    public static final String UNDEFINED_OBJECT = "42704";
    public static final String DUPLICATE_OBJECT = "42710";
    public static final String DATATYPE_MISMATCH = "42804";
    public static final String INVALID_TABLE_DEFINITION = "42P16";
    public static final String OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
    public static final String OBJECT_IN_USE = "55006";
    public static final String IO_ERROR = "58030";
    public static final String DATA_CORRUPTED = "XX001";

    private static final Pattern SQLSTATE = Pattern.compile("[0-9A-Z]{5}");

    private final String sqlState;

    public MetadataException(String sqlState, String message) {
        this(sqlState, message, null);
    }

    public MetadataException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        if (sqlState == null || !SQLSTATE.matcher(sqlState).matches()) {
            throw new IllegalArgumentException("invalid SQLSTATE " + sqlState);
        }
        this.sqlState = sqlState;
    }

    /** The five-character SQLSTATE, e.g. {@code 42710}. */
    public String sqlState() {
        return sqlState;
    }

    /** An identifier as PostgreSQL writes it in messages: {@code "sh1"}. */
    static String quote(String name) {
        return '"' + name + '"';
    }

    static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new MetadataException(INVALID_NAME, what + " must not be empty");
        }
        return name;
    }
}
