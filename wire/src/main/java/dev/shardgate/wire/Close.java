package dev.shardgate.wire;

import java.util.Objects;

/** Close ('C'): closes a prepared statement ('S') or a portal ('P'). */
public record Close(byte kind, String name) implements FrontendMessage {
    public static final byte TYPE = 'C';
    public static final byte STATEMENT = 'S';
    public static final byte PORTAL = 'P';

    public Close {
        Objects.requireNonNull(name);
    }

    public static Close statement(String name) {
        return new Close(STATEMENT, name);
    }

    public static Close portal(String name) {
        return new Close(PORTAL, name);
    }

    static Close decode(Payload in) {
        byte kind = in.int8();
        if (kind != STATEMENT && kind != PORTAL) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "invalid CLOSE message subtype " + kind);
        }
        return new Close(kind, in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeByte(kind);
        out.writeCString(name);
        out.endMessage(start);
    }
}
