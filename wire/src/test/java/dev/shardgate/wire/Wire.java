package dev.shardgate.wire;

import java.util.HexFormat;

/** Test shorthand for writing expected bytes as spaced hex, the way the protocol documentation lays them out. */
final class Wire {
    private Wire() {
    }

    static byte[] hex(String spacedHex) {
        return HexFormat.of().parseHex(spacedHex.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteSink out = new ByteSink();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
