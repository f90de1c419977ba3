package dev.shardgate.wire;

import java.util.Objects;

/** ParameterStatus ('S'): the current value of a reported run-time parameter, e.g. server_version. */
public record ParameterStatus(String name, String value) implements BackendMessage {
    public static final byte TYPE = 'S';

    public ParameterStatus {
        Objects.requireNonNull(name);
        Objects.requireNonNull(value);
    }

    static ParameterStatus decode(Payload in) {
        return new ParameterStatus(in.cstring(), in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(name);
        out.writeCString(value);
        out.endMessage(start);
    }
}
