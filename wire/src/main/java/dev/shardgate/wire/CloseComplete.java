package dev.shardgate.wire;

/** CloseComplete ('3'): a Close succeeded. */
public record CloseComplete() implements BackendMessage {
    public static final byte TYPE = '3';
    public static final CloseComplete INSTANCE = new CloseComplete();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
