package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** FunctionCallResponse ('V'): the result of a FunctionCall, kept as raw payload bytes. The array is not copied. */
public record FunctionCallResponse(byte[] payload) implements BackendMessage {
    public static final byte TYPE = 'V';

    public FunctionCallResponse {
        Objects.requireNonNull(payload);
    }

    static FunctionCallResponse decode(Payload in) {
        return new FunctionCallResponse(in.rest());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeBytes(payload);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FunctionCallResponse that && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "FunctionCallResponse[payload=" + ByteText.hex(payload) + "]";
    }
}
