package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * CopyInResponse ('G'): the server is ready for COPY FROM STDIN data. {@code format} is 0 (text: every column format
 * is 0) or 1 (binary). The array is not copied.
 */
public record CopyInResponse(byte format, short[] columnFormats) implements BackendMessage {
    public static final byte TYPE = 'G';

    public CopyInResponse {
        Objects.requireNonNull(columnFormats);
    }

    static CopyInResponse decode(Payload in) {
        byte format = in.int8();
        return new CopyInResponse(format, in.int16s(in.count16()));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeByte(format);
        out.writeCountedInt16s(columnFormats);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyInResponse that && format == that.format
                && Arrays.equals(columnFormats, that.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * format + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyInResponse[format=" + format + ", columnFormats=" + Arrays.toString(columnFormats) + "]";
    }
}
