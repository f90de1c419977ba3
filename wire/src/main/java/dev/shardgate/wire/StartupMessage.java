package dev.shardgate.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * StartupMessage: the protocol version and the connection parameters (user, database, options, GUCs),
 * in the order the client sent them.
 */
public record StartupMessage(int protocolVersion, Map<String, String> parameters) implements FrontendMessage {
    public StartupMessage {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(parameters)));
    }

    /** A protocol 3.0 startup message. */
    public static StartupMessage of(Map<String, String> parameters) {
        return new StartupMessage(Protocol.VERSION_3_0, parameters);
    }

    /** The "user" parameter, or null when the client sent none (PostgreSQL then refuses the connection). */
    public String user() {
        return parameters.get("user");
    }

    /** The "database" parameter; like PostgreSQL, a missing or empty one means the user name. */
    public String database() {
        String database = parameters.get("database");
        return database == null || database.isEmpty() ? user() : database;
    }

    public int majorVersion() {
        return Protocol.majorVersion(protocolVersion);
    }

    public int minorVersion() {
        return Protocol.minorVersion(protocolVersion);
    }

    static StartupMessage decode(int protocolVersion, Payload in) {
        Map<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            if (in.remaining() == 0) {
                throw in.malformed("expected terminator as last byte");
            }
            String name = in.cstring();
            if (name.isEmpty()) {
                break;
            }
            parameters.put(name, in.cstring());
            if (parameters.size() > Protocol.MAX_STARTUP_PARAMETERS) {
                throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                        "too many parameters in startup packet (the limit is " + Protocol.MAX_STARTUP_PARAMETERS + ")");
            }
        }
        return new StartupMessage(protocolVersion, parameters);
    }

    void encode(ByteSink out) {
        int start = out.beginPacket();
        out.writeInt32(protocolVersion);
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            out.writeCString(parameter.getKey());
            out.writeCString(parameter.getValue());
        }
        out.writeByte(0);
        out.endMessage(start);
    }
}
