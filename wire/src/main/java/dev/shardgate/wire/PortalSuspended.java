package dev.shardgate.wire;

/** PortalSuspended ('s'): Execute stopped at its row limit before the portal finished. */
public record PortalSuspended() implements BackendMessage {
    public static final byte TYPE = 's';
    public static final PortalSuspended INSTANCE = new PortalSuspended();

    void encode(ByteSink out) {
        out.writeEmptyMessage(TYPE);
    }
}
