package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** FunctionCall ('F'), the legacy fast-path interface; kept as raw payload bytes. The array is not copied. */
public record FunctionCall(byte[] payload) implements FrontendMessage {
    public static final byte TYPE = 'F';

    public FunctionCall {
        Objects.requireNonNull(payload);
    }

    static FunctionCall decode(Payload in) {
        return new FunctionCall(in.rest());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeBytes(payload);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunctionCall that && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "FunctionCall[payload=" + ByteText.hex(payload) + "]";
    }
}
