package dev.shardgate.wire;

import java.util.ArrayList;
import java.util.List;

/** AuthenticationSASL ('R', code 10): starts SASL authentication, listing the mechanisms the server accepts. */
public record AuthenticationSasl(List<String> mechanisms) implements BackendMessage {
    public static final byte TYPE = 'R';
    public static final int CODE = 10;

    public AuthenticationSasl {
        mechanisms = List.copyOf(mechanisms);
    }

    /** Mechanism names up to an empty one, which ends the list. */
    static AuthenticationSasl decode(Payload in) {
        List<String> mechanisms = new ArrayList<>(2);
        for (String mechanism = in.cstring(); !mechanism.isEmpty(); mechanism = in.cstring()) {
            mechanisms.add(mechanism);
        }
        return new AuthenticationSasl(mechanisms);
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(CODE);
        for (String mechanism : mechanisms) {
            if (mechanism.isEmpty()) {
                throw new IllegalArgumentException("an empty SASL mechanism name would end the list");
            }
            out.writeCString(mechanism);
        }
        out.writeByte(0);
        out.endMessage(start);
    }
}
