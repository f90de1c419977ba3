package dev.shardgate.wire.auth;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads one SCRAM message, a comma-separated list of {@code name=value} attributes (RFC 5802
 * section 7), front to back. The bytes are held as ISO-8859-1 text, one char per byte, so that
 * the parts that enter AuthMessage turn back into exactly the bytes that were received even
 * when a user name is not valid UTF-8.
 */
final class ScramAttributes {
    private final String text;
    private final String messageName;
    private int position;

    ScramAttributes(byte[] message, String messageName) {
        this.text = new String(message, StandardCharsets.ISO_8859_1);
        this.messageName = messageName;
    }

    static byte[] bytes(String message) {
        return message.getBytes(StandardCharsets.ISO_8859_1);
    }

    boolean hasMore() {
        return position < text.length();
    }

    /** The name of the next attribute, without consuming it. */
    char nextName() {
        if (!hasMore()) {
            throw malformed("Unexpected end of " + messageName + ".");
        }
        return text.charAt(position);
    }

    /** Consumes {@code name=value} and the comma after it, returning the value. */
    String read(char name) {
        if (!hasMore() || text.charAt(position) != name) {
            throw malformed("Expected attribute \"" + name + "\" but found "
                    + (hasMore() ? "\"" + text.charAt(position) + "\"" : "end of message") + " in " + messageName + ".");
        }
        if (position + 1 >= text.length() || text.charAt(position + 1) != '=') {
            throw malformed("Expected character \"=\" for attribute \"" + name + "\" in " + messageName + ".");
        }
        int start = position + 2;
        int comma = text.indexOf(',', start);
        int end = comma < 0 ? text.length() : comma;
        position = comma < 0 ? end : comma + 1;
        return text.substring(start, end);
    }

    /** Consumes any attribute, as for extensions the reader does not understand. */
    void skip() {
        char name = nextName();
        if (!(name >= 'a' && name <= 'z' || name >= 'A' && name <= 'Z')) {
            throw malformed("Attribute expected, but found invalid character \"" + name + "\" in " + messageName + ".");
        }
        read(name);
    }

    /** Consumes a single character that must come next, such as the commas of the GS2 header. */
    void expect(char c) {
        if (!hasMore() || text.charAt(position) != c) {
            throw malformed("Expected \"" + c + "\" at position " + position + " of " + messageName + ".");
        }
        position++;
    }

    void expectEnd() {
        if (hasMore()) {
            throw malformed("Garbage found at the end of " + messageName + ".");
        }
    }

    String textFrom(int start) {
        return text.substring(start);
    }

    String textBefore(int end) {
        return text.substring(0, end);
    }

    int position() {
        return position;
    }

    /** A nonce is printable ASCII except ',' (RFC 5802 section 7); ours are base64. */
    String nonce(String value) {
        if (value.isEmpty()) {
            throw malformed("Empty nonce in " + messageName + ".");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                throw malformed("Non-printable character in the nonce of " + messageName + ".");
            }
        }
        return value;
    }

    byte[] base64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw malformed("Malformed " + what + " in " + messageName + ".");
        }
    }

    PgException malformed(String detail) {
        return new PgException(SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message").withDetail(detail);
    }
}
