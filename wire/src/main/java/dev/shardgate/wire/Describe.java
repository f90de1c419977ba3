package dev.shardgate.wire;

import java.util.Objects;

/** Describe ('D'): asks for the description of a prepared statement ('S') or a portal ('P'). */
public record Describe(byte kind, String name) implements FrontendMessage {
    public static final byte TYPE = 'D';
    public static final byte STATEMENT = 'S';
    public static final byte PORTAL = 'P';

    public Describe {
        Objects.requireNonNull(name);
    }

    public static Describe statement(String name) {
        return new Describe(STATEMENT, name);
    }

    public static Describe portal(String name) {
        return new Describe(PORTAL, name);
    }

    static Describe decode(Payload in) {
        byte kind = in.int8();
        if (kind != STATEMENT && kind != PORTAL) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "invalid DESCRIBE message subtype " + kind);
        }
        return new Describe(kind, in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeByte(kind);
        out.writeCString(name);
        out.endMessage(start);
    }
}
