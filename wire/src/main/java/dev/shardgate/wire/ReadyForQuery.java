package dev.shardgate.wire;

/** ReadyForQuery ('Z'): the server awaits a new query; status 'I' idle, 'T' in a transaction, 'E' in a failed one. */
public record ReadyForQuery(byte status) implements BackendMessage {
    public static final byte TYPE = 'Z';
    public static final byte IDLE_STATUS = 'I';
    public static final byte TRANSACTION_STATUS = 'T';
    public static final byte FAILED_TRANSACTION_STATUS = 'E';
    public static final ReadyForQuery IDLE = new ReadyForQuery(IDLE_STATUS);
    public static final ReadyForQuery IN_TRANSACTION = new ReadyForQuery(TRANSACTION_STATUS);
    public static final ReadyForQuery IN_FAILED_TRANSACTION = new ReadyForQuery(FAILED_TRANSACTION_STATUS);

    /** True inside a transaction block, failed or not. */
    public boolean inTransaction() {
        return status != IDLE_STATUS;
    }

    static ReadyForQuery decode(Payload in) {
        byte status = in.int8();
        return switch (status) {
            case IDLE_STATUS -> IDLE;
            case TRANSACTION_STATUS -> IN_TRANSACTION;
            case FAILED_TRANSACTION_STATUS -> IN_FAILED_TRANSACTION;
            default -> throw in.malformed("invalid transaction status " + Protocol.describeType(status));
        };
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeByte(status);
        out.endMessage(start);
    }
}
