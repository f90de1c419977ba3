package dev.shardgate.router.route;

import dev.shardgate.wire.ClientEncoding;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The parameter values of a Bind, readable as text whatever format the client chose: the router
 * routes on the text form of a key, the same text a literal in the SQL would have.
 *
 * @param types     the parameter type OIDs from Parse (0 or missing = unspecified)
 * @param formats   Bind's format codes (none = all text, one = all the same)
 * @param values    the values, null elements for SQL NULL
 * @param encoding  the session's client encoding: text values, in either format, are in it
 */
public record BoundValues(int[] types, short[] formats, byte[][] values, ClientEncoding encoding) {
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int INT8 = 20;
    private static final int UUID_OID = 2950;

    /** Values of a UTF8 session. */
    public BoundValues(int[] types, short[] formats, byte[][] values) {
        this(types, formats, values, ClientEncoding.UTF8);
    }

    /** Parameter {@code $number} is bound to NULL. */
    public boolean isNull(int number) {
        int i = number - 1;
        return i >= 0 && i < values.length && values[i] == null;
    }

    /** The text of parameter {@code $number}, or null when it is NULL, absent, or of a type not understood. */
    public String text(int number) {
        int i = number - 1;
        if (i < 0 || i >= values.length || values[i] == null) {
            return null;
        }
        byte[] value = values[i];
        short format = formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : i < formats.length ? formats[i] : 0;
        if (format == 0) {
            return encoding.decode(value, 0, value.length);
        }
        int type = i < types.length ? types[i] : 0;
        ByteBuffer buffer = ByteBuffer.wrap(value);
        return switch (type) {
            case INT2 -> value.length == 2 ? Short.toString(buffer.getShort()) : null;
            case INT4 -> value.length == 4 ? Integer.toString(buffer.getInt()) : null;
            case INT8 -> value.length == 8 ? Long.toString(buffer.getLong()) : null;
            case UUID_OID -> value.length == 16 ? new UUID(buffer.getLong(), buffer.getLong()).toString() : null;
            case 0 -> guessUnspecified(value, buffer);
            // text, varchar, bpchar, name: binary is the text itself, in the client encoding (textrecv)
            case 25, 1043, 1042, 19 -> encoding.decode(value, 0, value.length);
            default -> null;
        };
    }

    /** A binary value of unspecified type: integers by width; anything else is not a key we can read. */
    private static String guessUnspecified(byte[] value, ByteBuffer buffer) {
        return switch (value.length) {
            case 2 -> Short.toString(buffer.getShort());
            case 4 -> Integer.toString(buffer.getInt());
            case 8 -> Long.toString(buffer.getLong());
            default -> null;
        };
    }
}
