package dev.shardgate.wire;

/** Terminate ('X'): the client is closing the connection. */
public record Terminate() implements FrontendMessage {
    public static final byte TYPE = 'X';
    public static final Terminate INSTANCE = new Terminate();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
