package dev.shardgate.wire;

/** AuthenticationCleartextPassword ('R', code 3): the server asks for the password in clear text. */
public record AuthenticationCleartextPassword() implements BackendMessage {
    public static final byte TYPE = 'R';
    public static final int CODE = 3;
    public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeInt32(CODE);
        out.endMessage(start);
    }
}
