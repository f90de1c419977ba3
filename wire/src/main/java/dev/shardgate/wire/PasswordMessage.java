package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * The 'p' message, whose content depends on the authentication exchange in progress: a password
 * (cleartext or md5 hash), a SASLInitialResponse or a SASLResponse. The payload is kept raw; the
 * reader matching the server's last Authentication request interprets it. The array is not copied.
 */
public record PasswordMessage(byte[] payload) implements FrontendMessage {
    public static final byte TYPE = 'p';

    public PasswordMessage {
        Objects.requireNonNull(payload);
    }

    /** SASLInitialResponse content: the chosen mechanism and the initial client response, null when absent. */
    public record SaslInitialResponse(String mechanism, byte[] data) {
        public SaslInitialResponse {
            Objects.requireNonNull(mechanism);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SaslInitialResponse that && mechanism.equals(that.mechanism)
                    && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return 31 * mechanism.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "SaslInitialResponse[mechanism=" + mechanism + ", data=<" + (data == null ? "none" : data.length + " bytes") + ">]";
        }
    }

    /** A PasswordMessage answering AuthenticationCleartextPassword or AuthenticationMD5Password. */
    public static PasswordMessage cleartext(String password) {
        ByteSink out = new ByteSink(password.length() + 1);
        out.writeCString(password);
        return new PasswordMessage(out.toByteArray());
    }

    /** A SASLInitialResponse; {@code data} null sends length -1 (no initial response). */
    public static PasswordMessage saslInitialResponse(String mechanism, byte[] data) {
        ByteSink out = new ByteSink(mechanism.length() + 5 + (data == null ? 0 : data.length));
        out.writeCString(mechanism);
        out.writeLengthPrefixed(data);
        return new PasswordMessage(out.toByteArray());
    }

    /** A SASLResponse: the mechanism's data, with no framing of its own. */
    public static PasswordMessage saslResponse(byte[] data) {
        return new PasswordMessage(data);
    }

    /** The password, which must be the whole payload up to its NUL. */
    public String asPassword() {
        Payload in = payloadReader();
        String password = in.cstring();
        in.end();
        return password;
    }

    public SaslInitialResponse asSaslInitialResponse() {
        Payload in = payloadReader();
        String mechanism = in.cstring();
        int length = in.int32();
        byte[] data = length == -1 ? null : in.bytes(length);
        in.end();
        return new SaslInitialResponse(mechanism, data);
    }

    public byte[] asSaslResponse() {
        return payload;
    }

    private Payload payloadReader() {
        return new Payload(payload, 0, payload.length, TYPE, true);
    }

    static PasswordMessage decode(Payload in) {
        return new PasswordMessage(in.rest());
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeBytes(payload);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PasswordMessage that && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload);
    }

    /** Never shows the payload: it may be a password. */
    @Override
    public String toString() {
        return "PasswordMessage[payload=<" + payload.length + " bytes>]";
    }
}
