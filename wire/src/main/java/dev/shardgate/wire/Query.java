package dev.shardgate.wire;

import java.util.Arrays;
import java.util.Objects;

/**
 * Query ('Q'): a simple-protocol query string, possibly several statements separated by semicolons.
 * The client's bytes travel on unchanged (PostgreSQL reads them in the session's client_encoding);
 * the router analyses a decoded copy.
 *
 * @param text the query string's bytes as sent, without the closing NUL; not copied: do not change them
 * @param sql  the text as the router reads it in the client encoding ({@link ClientEncoding#read}); null
 *             when the bytes are not valid in it, which {@link ClientEncoding#unreadable} explains
 */
public record Query(byte[] text, String sql) implements FrontendMessage {
    public static final byte TYPE = 'Q';

    public Query {
        Objects.requireNonNull(text);
    }

    /** A query of the router's own in UTF-8: commands of ASCII text, or for a UTF8 session. */
    public Query(String sql) {
        this(ClientEncoding.UTF8.encode(sql), sql);
    }

    /** A query the router writes for a session in {@code encoding}, e.g. a statement it rewrote. */
    public static Query of(String sql, ClientEncoding encoding) {
        return new Query(encoding.encode(sql), sql);
    }

    static Query decode(Payload in, ClientEncoding encoding) {
        byte[] text = in.cstringBytes();
        return new Query(text, encoding.read(text));
    }

    void encode(ByteSink out) {
        int start = out.beginMessage(TYPE);
        out.writeCStringBytes(text);
        out.endMessage(start);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Query that && Arrays.equals(text, that.text);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(text);
    }

    @Override
    public String toString() {
        return "Query[sql=" + (sql != null ? sql : ByteText.hex(text)) + "]";
    }
}
