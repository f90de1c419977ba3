package dev.shardgate.wire;

/**
 * An error the client sees as an ErrorResponse: a SQLSTATE, a message naming the object, and the
 * optional detail, hint and cursor position fields of PostgreSQL's error messages.
 */
public final class PgException extends RuntimeException {
    private final SqlState sqlState;
    private final String detail;
    private final String hint;
    private final int position;

    public PgException(SqlState sqlState, String message) {
        this(sqlState, message, null, null, 0);
    }

    public PgException(SqlState sqlState, String message, String detail, String hint, int position) {
        super(message);
        this.sqlState = sqlState;
        this.detail = detail;
        this.hint = hint;
        this.position = position;
    }

    public PgException withDetail(String newDetail) {
        return new PgException(sqlState, getMessage(), newDetail, hint, position);
    }

    public PgException withHint(String newHint) {
        return new PgException(sqlState, getMessage(), detail, newHint, position);
    }

    /** 1-based character position in the statement text, or 0 when there is none. */
    public PgException withPosition(int newPosition) {
        return new PgException(sqlState, getMessage(), detail, hint, newPosition);
    }

    public SqlState sqlState() {
        return sqlState;
    }

    public String detail() {
        return detail;
    }

    public String hint() {
        return hint;
    }

    public int position() {
        return position;
    }
}
