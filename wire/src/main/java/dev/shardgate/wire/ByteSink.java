package dev.shardgate.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array that messages are encoded into. A message is written by
 * {@link #beginMessage(byte)}, its fields, then {@link #endMessage(int)}, which fills in the length
 * word once the size is known. Not thread-safe.
 */
public final class ByteSink {
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 16;

    private byte[] bytes;
    private int size;
    /** null for UTF-8, written by hand below; else the charset strings are written in. */
    private Charset text;

    public ByteSink() {
        this(256);
    }

    public ByteSink(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return bytes.length;
    }

    /** The backing array; bytes {@code [0, size())} are the content. Valid until the next write. */
    public byte[] array() {
        return bytes;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public void reset() {
        size = 0;
    }

    private static final byte[] NO_BYTES = new byte[0];

    /** Gives the empty sink's array away (to a {@link BufferPool}); the sink holds none until {@link #giveArray}. */
    byte[] takeArray() {
        if (size != 0) {
            throw new IllegalStateException(size + " bytes not written yet");
        }
        byte[] array = bytes;
        bytes = NO_BYTES;
        return array;
    }

    /** Writes go into {@code array} from now on; the sink is empty. */
    void giveArray(byte[] array) {
        bytes = array;
        size = 0;
    }

    /** Drops everything written after the first {@code newSize} bytes, e.g. a half-encoded message. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    /** Makes room for {@code count} bytes the caller fills in {@link #array()}; returns where they start. */
    int reserve(int count) {
        ensure(count);
        int at = size;
        size += count;
        return at;
    }

    /** Starts a typed message: writes the type byte and a placeholder length; returns the length's offset. */
    public int beginMessage(byte type) {
        ensure(5);
        bytes[size++] = type;
        int lengthOffset = size;
        size += 4;
        return lengthOffset;
    }

    /** Starts an untyped startup packet (StartupMessage, SSLRequest, ...): a placeholder length only. */
    public int beginPacket() {
        ensure(4);
        int lengthOffset = size;
        size += 4;
        return lengthOffset;
    }

    /** Writes the length word at {@code lengthOffset}: it counts itself and everything after it. */
    public void endMessage(int lengthOffset) {
        putInt32(lengthOffset, size - lengthOffset);
    }

    /** A typed message with no content: the type byte and a length of 4. */
    public void writeEmptyMessage(byte type) {
        ensure(5);
        bytes[size++] = type;
        putInt32(size, 4);
        size += 4;
    }

    public void writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    public void writeInt16(int value) {
        ensure(2);
        bytes[size] = (byte) (value >>> 8);
        bytes[size + 1] = (byte) value;
        size += 2;
    }

    public void writeInt32(int value) {
        ensure(4);
        putInt32(size, value);
        size += 4;
    }

    public void writeBytes(byte[] value) {
        writeBytes(value, 0, value.length);
    }

    public void writeBytes(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, bytes, size, length);
        size += length;
    }

    /** An Int32 length then the bytes, or length -1 for {@code null} (SQL NULL in Bind and DataRow). */
    public void writeLengthPrefixed(byte[] value) {
        if (value == null) {
            writeInt32(-1);
        } else {
            writeInt32(value.length);
            writeBytes(value);
        }
    }

    /** An Int16 count then each value as Int16, as in Bind's format codes. */
    public void writeCountedInt16s(short[] values) {
        writeCount16(values.length);
        ensure(2 * values.length);
        for (short value : values) {
            writeInt16(value);
        }
    }

    /** An Int16 count then each value as Int32, as in Parse's parameter type OIDs. */
    public void writeCountedInt32s(int[] values) {
        writeCount16(values.length);
        ensure(4 * values.length);
        for (int value : values) {
            writeInt32(value);
        }
    }

    /** An Int16 count, which the receiver reads unsigned: at most 65535. */
    public void writeCount16(int count) {
        if (count < 0 || count > 0xffff) {
            throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                    "number of items must be between 0 and 65535, not " + count);
        }
        writeInt16(count);
    }

    /**
     * The string in UTF-8 followed by a NUL. Encodes by hand rather than through getBytes to skip the
     * intermediate array on the hot path; unpaired surrogates become '?' as String.getBytes does.
     */
    /** Strings are written in this charset from now on (UTF-8 unless set): the peer's client encoding. */
    public void textCharset(Charset charset) {
        text = charset == StandardCharsets.UTF_8 ? null : charset;
    }

    public void writeCString(String value) {
        if (text != null) {
            if (value.indexOf('\0') >= 0) {
                throw nulInString();
            }
            writeCStringBytes(value.getBytes(text));
            return;
        }
        int length = value.length();
        ensure(length + 1L);
        int i = 0;
        for (; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                break;
            }
            if (c == 0) {
                throw nulInString();
            }
            bytes[size++] = (byte) c;
        }
        if (i < length) {
            ensure(utf8Length(value, i) + 1L);
            writeUtf8(value, i);
        }
        bytes[size++] = 0;
    }

    /** Bytes of a string already encoded (statement text in the client's encoding), then the NUL. */
    public void writeCStringBytes(byte[] value) {
        ensure(value.length + 1L);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        bytes[size++] = 0;
    }

    private void writeUtf8(String value, int from) {
        int length = value.length();
        for (int i = from; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c == 0) {
                    throw nulInString();
                }
                bytes[size++] = (byte) c;
            } else if (c < 0x800) {
                bytes[size++] = (byte) (0xc0 | (c >> 6));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1))) {
                    int codePoint = Character.toCodePoint(c, value.charAt(++i));
                    bytes[size++] = (byte) (0xf0 | (codePoint >> 18));
                    bytes[size++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
                    bytes[size++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
                    bytes[size++] = (byte) (0x80 | (codePoint & 0x3f));
                } else {
                    bytes[size++] = '?';
                }
            } else {
                bytes[size++] = (byte) (0xe0 | (c >> 12));
                bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                bytes[size++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }

    private static long utf8Length(String value, int from) {
        long length = 0;
        int count = value.length();
        for (int i = from; i < count; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                length += 1;
            } else if (c < 0x800) {
                length += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < count && Character.isLowSurrogate(value.charAt(i + 1))) {
                length += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                length += 1;
            } else {
                length += 3;
            }
        }
        return length;
    }

    private static PgException nulInString() {
        // A NUL would end the string early and shift every later field: refuse instead of corrupting.
        return new PgException(SqlState.PROTOCOL_VIOLATION, "string contains a NUL byte, which the protocol cannot carry");
    }

    private void putInt32(int offset, int value) {
        bytes[offset] = (byte) (value >>> 24);
        bytes[offset + 1] = (byte) (value >>> 16);
        bytes[offset + 2] = (byte) (value >>> 8);
        bytes[offset + 3] = (byte) value;
    }

    private void ensure(long extra) {
        long needed = size + extra;
        if (needed <= bytes.length) {
            return;
        }
        if (needed > MAX_CAPACITY) {
            throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED, "message of " + needed + " bytes is too large to encode");
        }
        bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_CAPACITY, Math.max(needed, 2L * bytes.length)));
    }
}
