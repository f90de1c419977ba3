package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/** AuthenticationMD5Password ('R', code 5): asks for md5(md5(password + user) + salt) with this 4-byte salt. */
public record AuthenticationMd5Password(byte[] salt) implements BackendMessage {
    public static final byte TYPE = 'R';
    public static final int CODE = 5;

    public AuthenticationMd5Password {
        Objects.requireNonNull(salt);
        if (salt.length != 4) {
            throw new IllegalArgumentException("an MD5 salt has 4 bytes, not " + salt.length);
        }
    }

    static AuthenticationMd5Password decode(Payload in) {
        return new AuthenticationMd5Password(in.bytes(4));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(CODE);
        out.writeBytes(salt);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthenticationMd5Password that && Arrays.equals(salt, that.salt);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return "AuthenticationMd5Password[salt=" + ByteText.hex(salt) + "]";
    }
}
