package dev.shardgate.wire;

/** BackendKeyData ('K'): the process id and secret key a client must quote in a CancelRequest. */
public record BackendKeyData(int processId, int secretKey) implements BackendMessage {
    public static final byte TYPE = 'K';

    static BackendKeyData decode(Payload in) {
        return new BackendKeyData(in.int32(), in.int32());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(processId);
        out.writeInt32(secretKey);
        out.endMessage(start);
    }
}
