package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Parse ('P'): prepares {@code sql} as the named statement ("" = the unnamed one). A parameter type
 * of 0 leaves the type to the server. The array is not copied: do not change it afterwards.
 */
public record Parse(String statement, String sql, int[] parameterTypes) implements FrontendMessage {
    public static final byte TYPE = 'P';
    private static final int[] NO_TYPES = {};

    public Parse {
        Objects.requireNonNull(statement);
        Objects.requireNonNull(sql);
        Objects.requireNonNull(parameterTypes);
    }

    /** A Parse that leaves every parameter type to the server. */
    public Parse(String statement, String sql) {
        this(statement, sql, NO_TYPES);
    }

    static Parse decode(Payload in) {
        String statement = in.cstring();
        String sql = in.cstring();
        return new Parse(statement, sql, in.int32s(in.count16()));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(statement);
        out.writeCString(sql);
        out.writeCountedInt32s(parameterTypes);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Parse that && statement.equals(that.statement) && sql.equals(that.sql)
                && Arrays.equals(parameterTypes, that.parameterTypes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(statement, sql, Arrays.hashCode(parameterTypes));
    }

    @Override
    public String toString() {
        return "Parse[statement=" + statement + ", sql=" + sql + ", parameterTypes=" + Arrays.toString(parameterTypes) + "]";
    }
}
