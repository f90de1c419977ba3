package dev.shardgate.wire;

import java.util.Map;

/** NoticeResponse ('N'): a warning or notice, with the same fields as ErrorResponse; nothing is aborted. */
public record NoticeResponse(Map<Byte, String> fields) implements BackendMessage {
    public static final byte TYPE = 'N';

    public NoticeResponse {
        fields = ErrorFields.copyOf(fields);
    }

    /** A notice of the given severity (WARNING, NOTICE, DEBUG, INFO or LOG). */
    public static NoticeResponse of(String severity, SqlState state, String message) {
        return new NoticeResponse(ErrorFields.of(severity, state, message, null, null, 0));
    }

    public String field(byte type) {
        return fields.get(type);
    }

    public String severity() {
        return fields.get(ErrorFields.SEVERITY);
    }

    public String code() {
        return fields.get(ErrorFields.CODE);
    }

    public String message() {
        return fields.get(ErrorFields.MESSAGE);
    }

    public String detail() {
        return fields.get(ErrorFields.DETAIL);
    }

    public String hint() {
        return fields.get(ErrorFields.HINT);
    }

    static NoticeResponse decode(Payload in) {
        return new NoticeResponse(ErrorFields.decode(in));
    }

    void encode(ByteSink out) {
        ErrorFields.encode(out, TYPE, fields);
    }
}
