package dev.shardgate.wire;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over the payload of one message, reading the protocol's integers and strings in network
 * byte order. Every read is bounds-checked and fails with a PROTOCOL_VIOLATION naming the message, so
 * that a malformed message never escapes as an unchecked buffer exception.
 */
final class Payload {
    /** Marks the payload of a startup packet, which has no type byte. */
    static final int STARTUP_PACKET = -1;

    private final byte[] bytes;
    private final int limit;
    private final int type;
    private final boolean fromFrontend;
    /** The charset of the strings: the session's client encoding (names, error texts, parameter values). */
    private final Charset text;
    private int position;

    Payload(byte[] bytes, int from, int to, int type, boolean fromFrontend) {
        this(bytes, from, to, type, fromFrontend, StandardCharsets.UTF_8);
    }

    Payload(byte[] bytes, int from, int to, int type, boolean fromFrontend, Charset text) {
        this.bytes = bytes;
        this.position = from;
        this.limit = to;
        this.type = type;
        this.fromFrontend = fromFrontend;
        this.text = text;
    }

    /** Reads from position to limit of the buffer, without moving its position. */
    static Payload of(ByteBuffer buffer, int type, boolean fromFrontend) {
        return of(buffer, type, fromFrontend, StandardCharsets.UTF_8);
    }

    /** As above, its strings in {@code text}. */
    static Payload of(ByteBuffer buffer, int type, boolean fromFrontend, Charset text) {
        if (buffer.hasArray()) {
            int from = buffer.arrayOffset() + buffer.position();
            return new Payload(buffer.array(), from, from + buffer.remaining(), type, fromFrontend, text);
        }
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(buffer.position(), copy);
        return new Payload(copy, 0, copy.length, type, fromFrontend, text);
    }

    int type() {
        return type;
    }

    int remaining() {
        return limit - position;
    }

    byte int8() {
        need(1);
        return bytes[position++];
    }

    short int16() {
        need(2);
        short value = (short) (((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff));
        position += 2;
        return value;
    }

    /** A count sent as Int16; PostgreSQL reads these unsigned (pq_getmsgint(msg, 2)), so 0..65535. */
    int count16() {
        return int16() & 0xffff;
    }

    int int32() {
        need(4);
        int value = ((bytes[position] & 0xff) << 24) | ((bytes[position + 1] & 0xff) << 16)
                | ((bytes[position + 2] & 0xff) << 8) | (bytes[position + 3] & 0xff);
        position += 4;
        return value;
    }

    String cstring() {
        int end = position;
        while (end < limit && bytes[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw malformed("invalid string in message");
        }
        String value = new String(bytes, position, end - position, text);
        position = end + 1;
        return value;
    }

    /** A NUL-terminated string's bytes, undecoded (statement text, forwarded as sent). */
    byte[] cstringBytes() {
        int end = position;
        while (end < limit && bytes[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw malformed("invalid string in message");
        }
        byte[] value = java.util.Arrays.copyOfRange(bytes, position, end);
        position = end + 1;
        return value;
    }

    byte[] bytes(int length) {
        if (length < 0) {
            throw malformed("invalid length " + length);
        }
        need(length);
        byte[] value = new byte[length];
        System.arraycopy(bytes, position, value, 0, length);
        position += length;
        return value;
    }

    byte[] rest() {
        return bytes(remaining());
    }

    short[] int16s(int count) {
        need(2L * count);
        short[] values = new short[count];
        for (int i = 0; i < count; i++) {
            values[i] = int16();
        }
        return values;
    }

    int[] int32s(int count) {
        need(4L * count);
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = int32();
        }
        return values;
    }

    /** PostgreSQL's pq_getmsgend: a message with bytes left over is malformed. */
    void end() {
        if (position != limit) {
            throw malformed("invalid message format");
        }
    }

    /** Fails early when a count announces more items than the remaining bytes could possibly hold. */
    void needAtLeast(long count, int bytesPerItem) {
        need(count * bytesPerItem);
    }

    PgException malformed(String problem) {
        return new PgException(SqlState.PROTOCOL_VIOLATION, "malformed " + describeMessage() + ": " + problem);
    }

    String describeMessage() {
        if (type == STARTUP_PACKET) {
            return "startup packet";
        }
        String name = fromFrontend ? Protocol.frontendMessageName(type) : Protocol.backendMessageName(type);
        return (name == null ? "message" : name + " message") + " (" + Protocol.describeType(type) + ")";
    }

    private void need(long length) {
        if (length > limit - position) {
            throw malformed("insufficient data left in message");
        }
    }
}
