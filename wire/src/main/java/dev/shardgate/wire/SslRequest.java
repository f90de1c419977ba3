package dev.shardgate.wire;

/** SSLRequest: an untyped 8-byte packet asking to switch to TLS; the server answers one byte, 'S' or 'N'. */
public record SslRequest() implements FrontendMessage {
    public static final SslRequest INSTANCE = new SslRequest();

    void encode(ByteSink out) {
        int start = out.beginPacket();
        out.writeInt32(Protocol.SSL_REQUEST_CODE);
        out.endMessage(start);
    }
}
