package dev.shardgate.wire;

import java.util.Objects;

/** CopyFail ('f'): the client aborts COPY FROM STDIN with an error message. */
public record CopyFail(String message) implements FrontendMessage {
    public static final byte TYPE = 'f';

    public CopyFail {
        Objects.requireNonNull(message);
    }

    static CopyFail decode(Payload in) {
        return new CopyFail(in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(message);
        out.endMessage(start);
    }
}
