package dev.shardgate.wire;

/** AuthenticationOk ('R', code 0): the client is authenticated; ParameterStatus, BackendKeyData and ReadyForQuery follow. */
public record AuthenticationOk() implements BackendMessage {
    public static final byte TYPE = 'R';
    public static final int CODE = 0;
    public static final AuthenticationOk INSTANCE = new AuthenticationOk();

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(CODE);
        out.endMessage(start);
    }
}
