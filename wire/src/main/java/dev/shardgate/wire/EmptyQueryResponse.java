package dev.shardgate.wire;

/** EmptyQueryResponse ('I'): the query string was empty, in place of CommandComplete. */
public record EmptyQueryResponse() implements BackendMessage {
    public static final byte TYPE = 'I';
    public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
