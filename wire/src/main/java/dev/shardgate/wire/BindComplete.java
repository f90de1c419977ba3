package dev.shardgate.wire;

/** BindComplete ('2'): a Bind succeeded. */
public record BindComplete() implements BackendMessage {
    public static final byte TYPE = '2';
    public static final BindComplete INSTANCE = new BindComplete();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
