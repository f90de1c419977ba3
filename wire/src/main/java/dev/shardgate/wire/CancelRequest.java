package dev.shardgate.wire;

/**
 * CancelRequest: an untyped packet sent on a new connection, naming the session to cancel by the
 * process id and secret key from its BackendKeyData.
 */
public record CancelRequest(int processId, int secretKey) implements FrontendMessage {
    static CancelRequest decode(Payload in) {
        return new CancelRequest(in.int32(), in.int32());
    }

    void encode(ByteSink out) {
        int start = out.beginPacket();
        out.writeInt32(Protocol.CANCEL_REQUEST_CODE);
        out.writeInt32(processId);
        out.writeInt32(secretKey);
        out.endMessage(start);
    }
}
