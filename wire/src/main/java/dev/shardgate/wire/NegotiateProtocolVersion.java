package dev.shardgate.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * NegotiateProtocolVersion ('v'): the server supports an older minor version than the client asked
 * for, or does not recognize some {@code _pq_.} startup options.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions)
        implements BackendMessage {
    public static final byte TYPE = 'v';

    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }

    static NegotiateProtocolVersion decode(Payload in) {
        int newestMinorVersion = in.int32();
        int count = in.int32();
        if (count < 0) {
            throw in.malformed("invalid option count " + count);
        }
        in.needAtLeast(count, 1);
        List<String> options = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            options.add(in.cstring());
        }
        return new NegotiateProtocolVersion(newestMinorVersion, options);
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(newestMinorVersion);
        out.writeInt32(unrecognizedOptions.size());
        for (String option : unrecognizedOptions) {
            out.writeCString(option);
        }
        out.endMessage(start);
    }
}
