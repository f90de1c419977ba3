package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationSASLContinue ('R', code 11): a SASL challenge. The array is not copied. */
public record AuthenticationSaslContinue(byte[] data) implements BackendMessage {
    public static final byte TYPE = 'R';
    public static final int CODE = 11;

    public AuthenticationSaslContinue {
        Objects.requireNonNull(data);
    }

    static AuthenticationSaslContinue decode(Payload in) {
        return new AuthenticationSaslContinue(in.rest());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(CODE);
        out.writeBytes(data);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSaslContinue that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSaslContinue[data=" + ByteText.hex(data) + "]";
    }
}
