package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Parse ('P'): prepares the statement text as the named statement ("" = the unnamed one). A parameter
 * type of 0 leaves the type to the server. As with {@link Query}, the text's bytes travel unchanged
 * and the router analyses a decoded copy. The arrays are not copied: do not change them afterwards.
 *
 * @param text the statement text's bytes as sent, in the client encoding, without the closing NUL
 * @param sql  the text as the router reads it; null when the bytes are not valid in the client encoding
 */
public record Parse(String statement, byte[] text, String sql, int[] parameterTypes) implements FrontendMessage {
    public static final byte TYPE = 'P';
    private static final int[] NO_TYPES = {};

    public Parse {
        Objects.requireNonNull(statement);
        Objects.requireNonNull(text);
        Objects.requireNonNull(parameterTypes);
    }

    /** A Parse of the router's own in UTF-8 (ASCII text, or a UTF8 session). */
    public Parse(String statement, String sql, int[] parameterTypes) {
        this(statement, ClientEncoding.UTF8.encode(sql), sql, parameterTypes);
    }

    /** A Parse that leaves every parameter type to the server. */
    public Parse(String statement, String sql) {
        this(statement, sql, NO_TYPES);
    }

    /** A Parse the router writes for a session in {@code encoding}, e.g. of a statement it rewrote. */
    public static Parse of(String statement, String sql, int[] parameterTypes, ClientEncoding encoding) {
        return new Parse(statement, encoding.encode(sql), sql, parameterTypes);
    }

    static Parse decode(Payload in, ClientEncoding encoding) {
        String statement = in.cstring();
        byte[] text = in.cstringBytes();
        return new Parse(statement, text, encoding.read(text), in.int32s(in.count16()));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(statement);
        out.writeCStringBytes(text);
        out.writeCountedInt32s(parameterTypes);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Parse that && statement.equals(that.statement) && Arrays.equals(text, that.text)
                && Arrays.equals(parameterTypes, that.parameterTypes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(statement, Arrays.hashCode(text), Arrays.hashCode(parameterTypes));
    }

    @Override
    public String toString() {
        return "Parse[statement=" + statement + ", sql=" + (sql != null ? sql : ByteText.hex(text))
                + ", parameterTypes=" + Arrays.toString(parameterTypes) + "]";
    }
}
