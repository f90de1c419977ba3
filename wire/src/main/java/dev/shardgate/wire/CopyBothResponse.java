package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * CopyBothResponse ('W'): both directions carry CopyData, as in streaming replication. {@code format} is 0 (text: every column format
 * is 0) or 1 (binary). The array is not copied.
 */
public record CopyBothResponse(byte format, short[] columnFormats) implements BackendMessage {
    public static final byte TYPE = 'W';

    public CopyBothResponse {
        Objects.requireNonNull(columnFormats);
    }

    static CopyBothResponse decode(Payload in) {
        byte format = in.int8();
        return new CopyBothResponse(format, in.int16s(in.count16()));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeByte(format);
        out.writeCountedInt16s(columnFormats);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CopyBothResponse that && format == that.format
                && Arrays.equals(columnFormats, that.columnFormats);
    }

    @Override
    public int hashCode() {
        return 31 * format + Arrays.hashCode(columnFormats);
    }

    @Override
    public String toString() {
        return "CopyBothResponse[format=" + format + ", columnFormats=" + Arrays.toString(columnFormats) + "]";
    }
}
