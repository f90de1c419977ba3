package dev.shardgate.wire;

/** Flush ('H'): asks the server to send everything it has buffered, without ending the batch. */
public record Flush() implements FrontendMessage {
    public static final byte TYPE = 'H';
    public static final Flush INSTANCE = new Flush();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
