package dev.shardgate.wire;

/** NoData ('n'): the described statement or portal returns no rows. */
public record NoData() implements BackendMessage {
    public static final byte TYPE = 'n';
    public static final NoData INSTANCE = new NoData();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
