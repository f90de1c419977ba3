package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** CopyData ('d'), sent in both directions: a chunk of COPY data. The array is not copied. */
public record CopyData(byte[] data) implements FrontendMessage, BackendMessage {
    public static final byte TYPE = 'd';

    public CopyData {
        Objects.requireNonNull(data);
    }

    static CopyData decode(Payload in) {
        return new CopyData(in.rest());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeBytes(data);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyData that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "CopyData[data=" + ByteText.hex(data) + "]";
    }
}
