package dev.shardgate.wire;

import java.util.Objects;

/** Query ('Q'): a simple-protocol query string, possibly several statements separated by semicolons. */
public record Query(String sql) implements FrontendMessage {
    public static final byte TYPE = 'Q';

    public Query {
        Objects.requireNonNull(sql);
    }

    static Query decode(Payload in) {
        return new Query(in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(sql);
        out.endMessage(start);
    }
}
