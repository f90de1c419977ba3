package dev.shardgate.wire;

/** ParseComplete ('1'): a Parse succeeded. */
public record ParseComplete() implements BackendMessage {
    public static final byte TYPE = '1';
    public static final ParseComplete INSTANCE = new ParseComplete();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
