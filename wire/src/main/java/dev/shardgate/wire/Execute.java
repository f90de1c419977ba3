package dev.shardgate.wire;

import java.util.Objects;

/** Execute ('E'): runs a portal, returning at most {@code maxRows} rows (0 = no limit). */
public record Execute(String portal, int maxRows) implements FrontendMessage {
    public static final byte TYPE = 'E';

    public Execute {
        Objects.requireNonNull(portal);
    }

    static Execute decode(Payload in) {
        return new Execute(in.cstring(), in.int32());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(portal);
        out.writeInt32(maxRows);
        out.endMessage(start);
    }
}
