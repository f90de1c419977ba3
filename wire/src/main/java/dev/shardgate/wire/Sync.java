package dev.shardgate.wire;

/** Sync ('S'): ends an extended-query batch; the server closes the implicit transaction and sends ReadyForQuery. */
public record Sync() implements FrontendMessage {
    public static final byte TYPE = 'S';
    public static final Sync INSTANCE = new Sync();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
