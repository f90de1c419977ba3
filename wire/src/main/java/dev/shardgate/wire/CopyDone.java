package dev.shardgate.wire;

/** CopyDone ('c'), sent in both directions: the end of COPY data. */
public record CopyDone() implements FrontendMessage, BackendMessage {
    public static final byte TYPE = 'c';
    public static final CopyDone INSTANCE = new CopyDone();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
