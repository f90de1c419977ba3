package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bind ('B'): binds parameter values to a prepared statement, creating a portal ("" = the unnamed one).
 * Format codes are 0 (text) or 1 (binary); as in the protocol, an empty format array means all text
 * and a single element applies to every value. A null parameter is SQL NULL. Arrays are not copied.
 */
public record Bind(String portal, String statement, short[] parameterFormats, byte[][] parameters,
                   short[] resultFormats) implements FrontendMessage {
    public static final byte TYPE = 'B';

    public Bind {
        Objects.requireNonNull(portal);
        Objects.requireNonNull(statement);
        Objects.requireNonNull(parameterFormats);
        Objects.requireNonNull(parameters);
        Objects.requireNonNull(resultFormats);
    }

    /** The format code of parameter {@code index}, resolving the empty and single-element shorthands. */
    public short parameterFormat(int index) {
        return formatOf(parameterFormats, index);
    }

    /** The requested format code of result column {@code index}, resolving the same shorthands. */
    public short resultFormat(int index) {
        return formatOf(resultFormats, index);
    }

    private static short formatOf(short[] formats, int index) {
        return switch (formats.length) {
            case 0 -> 0;
            case 1 -> formats[0];
            default -> formats[index];
        };
    }

    static Bind decode(Payload in) {
        String portal = in.cstring();
        String statement = in.cstring();
        short[] parameterFormats = in.int16s(in.count16());
        int count = in.count16();
        if (parameterFormats.length > 1 && parameterFormats.length != count) {
            // The wording of PostgreSQL's exec_bind_message.
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "bind message has " + parameterFormats.length + " parameter formats but " + count + " parameters");
        }
        in.needAtLeast(count, 4);
        byte[][] parameters = new byte[count][];
        for (int i = 0; i < count; i++) {
            int length = in.int32();
            parameters[i] = length == -1 ? null : in.bytes(length);
        }
        short[] resultFormats = in.int16s(in.count16());
        return new Bind(portal, statement, parameterFormats, parameters, resultFormats);
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(portal);
        out.writeCString(statement);
        out.writeCountedInt16s(parameterFormats);
        out.writeCount16(parameters.length);
        for (byte[] parameter : parameters) {
            out.writeLengthPrefixed(parameter);
        }
        out.writeCountedInt16s(resultFormats);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bind that && portal.equals(that.portal) && statement.equals(that.statement)
                && Arrays.equals(parameterFormats, that.parameterFormats)
                && Arrays.deepEquals(parameters, that.parameters)
                && Arrays.equals(resultFormats, that.resultFormats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(portal, statement, Arrays.hashCode(parameterFormats), Arrays.deepHashCode(parameters),
                Arrays.hashCode(resultFormats));
    }

    @Override
    public String toString() {
        return "Bind[portal=" + portal + ", statement=" + statement
                + ", parameterFormats=" + Arrays.toString(parameterFormats)
                + ", parameters=" + ByteText.hex(parameters)
                + ", resultFormats=" + Arrays.toString(resultFormats) + "]";
    }
}
