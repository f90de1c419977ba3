package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationSASLFinal ('R', code 12): the SASL outcome data, e.g. the SCRAM server signature. The array is not copied. */
public record AuthenticationSaslFinal(byte[] data) implements BackendMessage {
    public static final byte TYPE = 'R';
    public static final int CODE = 12;

    public AuthenticationSaslFinal {
        Objects.requireNonNull(data);
    }

    static AuthenticationSaslFinal decode(Payload in) {
        return new AuthenticationSaslFinal(in.rest());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(CODE);
        out.writeBytes(data);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationSaslFinal that && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationSaslFinal[data=" + ByteText.hex(data) + "]";
    }
}
