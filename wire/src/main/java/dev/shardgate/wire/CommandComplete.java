package dev.shardgate.wire;

import java.util.Objects;

/** CommandComplete ('C'): a statement finished; the tag is e.g. "SELECT 5", "INSERT 0 1", "BEGIN". */
public record CommandComplete(String tag) implements BackendMessage {
    public static final byte TYPE = 'C';

    public CommandComplete {
        Objects.requireNonNull(tag);
    }

    static CommandComplete decode(Payload in) {
        return new CommandComplete(in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCString(tag);
        out.endMessage(start);
    }
}
