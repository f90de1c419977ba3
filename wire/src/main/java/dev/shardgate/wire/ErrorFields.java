package dev.shardgate.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The field type bytes of ErrorResponse and NoticeResponse ("Error and Notice Message Fields" in
 * PostgreSQL's protocol documentation), and the encoding the two messages share.
 */
public final class ErrorFields {
    public static final byte SEVERITY = 'S';
    /** Like SEVERITY but never localized; present from PostgreSQL 9.6 on. */
    public static final byte SEVERITY_NON_LOCALIZED = 'V';
    public static final byte CODE = 'C';
    public static final byte MESSAGE = 'M';
    public static final byte DETAIL = 'D';
    public static final byte HINT = 'H';
    /** 1-based character position in the query string, as decimal text. */
    public static final byte POSITION = 'P';
    public static final byte INTERNAL_POSITION = 'p';
    public static final byte INTERNAL_QUERY = 'q';
    public static final byte WHERE = 'W';
    public static final byte SCHEMA = 's';
    public static final byte TABLE = 't';
    public static final byte COLUMN = 'c';
    public static final byte DATA_TYPE = 'd';
    public static final byte CONSTRAINT = 'n';
    public static final byte FILE = 'F';
    public static final byte LINE = 'L';
    public static final byte ROUTINE = 'R';

    private ErrorFields() {
    }

    static Map<Byte, String> copyOf(Map<Byte, String> fields) {
        for (Map.Entry<Byte, String> field : fields.entrySet()) {
            if (field.getKey() == null || field.getKey() == 0 || field.getValue() == null) {
                // A zero type byte is the list terminator on the wire.
                throw new IllegalArgumentException("invalid error field " + field);
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    static Map<Byte, String> of(String severity, SqlState state, String message, String detail, String hint,
                                int position) {
        Map<Byte, String> fields = new LinkedHashMap<>();
        fields.put(SEVERITY, severity);
        fields.put(SEVERITY_NON_LOCALIZED, severity);
        fields.put(CODE, state.code());
        fields.put(MESSAGE, message == null ? "" : message);
        if (detail != null) {
            fields.put(DETAIL, detail);
        }
        if (hint != null) {
            fields.put(HINT, hint);
        }
        if (position > 0) {
            fields.put(POSITION, Integer.toString(position));
        }
        return fields;
    }

    /** Field type and string pairs up to a zero byte, which must end the message. */
    static Map<Byte, String> decode(Payload in) {
        Map<Byte, String> fields = new LinkedHashMap<>();
        for (byte type = in.int8(); type != 0; type = in.int8()) {
            fields.put(type, in.cstring());
        }
        return fields;
    }

    static void encode(ByteSink out, byte messageType, Map<Byte, String> fields) {
        int start = out.beginMessage(messageType);
        for (Map.Entry<Byte, String> field : fields.entrySet()) {
            out.writeByte(field.getKey());
            out.writeCString(field.getValue());
        }
        out.writeByte(0);
        out.endMessage(start);
    }
}
