package dev.shardgate.wire;

import java.util.HexFormat;

/** Hex renderings of byte arrays for the toString of messages, shortened so logs stay readable. */
final class ByteText {
    private static final int SHOWN = 64;

    private ByteText() {
    }

    static String hex(byte[] bytes) {
        if (bytes == null) {
            return "NULL";
        }
        if (bytes.length <= SHOWN) {
            return HexFormat.of().formatHex(bytes);
        }
        return HexFormat.of().formatHex(bytes, 0, SHOWN) + "...(" + bytes.length + " bytes)";
    }

    static String hex(byte[][] values) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ", ").append(hex(values[i]));
        }
        return text.append(']').toString();
    }
}
