package dev.shardgate.wire;

import java.util.Objects;

/** NotificationResponse ('A'): a NOTIFY on a channel this session LISTENs to, from the given backend process. */
public record NotificationResponse(int processId, String channel, String payload) implements BackendMessage {
    public static final byte TYPE = 'A';

    public NotificationResponse {
        Objects.requireNonNull(channel);
        Objects.requireNonNull(payload);
    }

    static NotificationResponse decode(Payload in) {
        return new NotificationResponse(in.int32(), in.cstring(), in.cstring());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(processId);
        out.writeCString(channel);
        out.writeCString(payload);
        out.endMessage(start);
    }
}
