package dev.shardgate.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * DataRow ('D'): one row's column values; a null element is SQL NULL. The array is not copied. A proxy
 * forwards rows with {@link PgReader#copyCurrentTo(PgWriter)} and decodes them only to merge or inspect.
 */
public record DataRow(byte[][] values) implements BackendMessage {
    public static final byte TYPE = 'D';

    public DataRow {
        Objects.requireNonNull(values);
    }

    /** A row of text values in UTF-8; a null string is SQL NULL. */
    public static DataRow text(String... values) {
        byte[][] encoded = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            encoded[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return new DataRow(encoded);
    }

    public int columnCount() {
        return values.length;
    }

    static DataRow decode(Payload in) {
        int count = in.count16();
        in.needAtLeast(count, 4);
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
            int length = in.int32();
            values[i] = length == -1 ? null : in.bytes(length);
        }
        return new DataRow(values);
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCount16(values.length);
        for (byte[] value : values) {
            out.writeLengthPrefixed(value);
        }
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataRow that && Arrays.deepEquals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return "DataRow[values=" + ByteText.hex(values) + "]";
    }
}
