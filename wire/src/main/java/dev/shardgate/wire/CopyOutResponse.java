package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * CopyOutResponse ('H'): COPY TO STDOUT data follows. {@code format} is 0 (text: every column format
 * is 0) or 1 (binary). The array is not copied.
 */
public record CopyOutResponse(byte format, short[] columnFormats) implements BackendMessage {
    public static final byte TYPE = 'H';

    public CopyOutResponse {
        Objects.requireNonNull(columnFormats);
    }

    static CopyOutResponse decode(Payload in) {
        byte format = in.int8();
        return new CopyOutResponse(format, in.int16s(in.count16()));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeByte(format);
        out.writeCountedInt16s(columnFormats);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyOutResponse that && format == that.format
                && Arrays.equals(columnFormats, that.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * format + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyOutResponse[format=" + format + ", columnFormats=" + Arrays.toString(columnFormats) + "]";
    }
}
