package dev.shardgate.wire;

import java.util.Map;

/**
 * ErrorResponse ('E'): fields keyed by their type byte ({@link ErrorFields}), in the order sent.
 * The statement in progress is aborted; severity FATAL also ends the session.
 */
public record ErrorResponse(Map<Byte, String> fields) implements BackendMessage {
    public static final byte TYPE = 'E';

    public ErrorResponse {
        fields = ErrorFields.copyOf(fields);
    }

    /** Severity ERROR; the session continues. */
    public static ErrorResponse of(PgException e) {
        return from("ERROR", e);
    }

    /** Severity FATAL, for errors after which the server closes the connection. */
    public static ErrorResponse fatal(PgException e) {
        return from("FATAL", e);
    }

    private static ErrorResponse from(String severity, PgException e) {
        return new ErrorResponse(ErrorFields.of(severity, e.sqlState(), e.getMessage(), e.detail(), e.hint(), e.position()));
    }

    public String field(byte type) {
        return fields.get(type);
    }

    /** The severity as sent in 'S' (possibly localized); see {@link #isFatal()} for a dependable test. */
    public String severity() {
        return fields.get(ErrorFields.SEVERITY);
    }

    /** The five-character SQLSTATE. */
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

    /** FATAL or PANIC: the sender closes the connection after this message. */
    public boolean isFatal() {
        String severity = fields.getOrDefault(ErrorFields.SEVERITY_NON_LOCALIZED, severity());
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }

    static ErrorResponse decode(Payload in) {
        return new ErrorResponse(ErrorFields.decode(in));
    }

    void encode(ByteSink out) {
        ErrorFields.encode(out, TYPE, fields);
    }
}
