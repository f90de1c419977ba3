package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** ParameterDescription ('t'): the type OIDs of a described statement's parameters. The array is not copied. */
public record ParameterDescription(int[] typeOids) implements BackendMessage {
    public static final byte TYPE = 't';

    public ParameterDescription {
        Objects.requireNonNull(typeOids);
    }

    static ParameterDescription decode(Payload in) {
        return new ParameterDescription(in.int32s(in.count16()));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCountedInt32s(typeOids);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParameterDescription that && Arrays.equals(typeOids, that.typeOids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(typeOids);
    }

    @Override
    public String toString() {
        return "ParameterDescription[typeOids=" + Arrays.toString(typeOids) + "]";
    }
}
