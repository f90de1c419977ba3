package dev.shardgate.wire;

/** GSSENCRequest: an untyped 8-byte packet asking for GSSAPI encryption; the server answers 'G' or 'N'. */
public record GssEncRequest() implements FrontendMessage {
    public static final GssEncRequest INSTANCE = new GssEncRequest();

    void encode(ByteSink out) {
        int start = out.beginPacket();
        out.writeInt32(Protocol.GSSENC_REQUEST_CODE);
        out.endMessage(start);
    }
}
