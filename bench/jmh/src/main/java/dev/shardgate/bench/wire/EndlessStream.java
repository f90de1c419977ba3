package dev.shardgate.bench.wire;

import java.io.InputStream;

/**
 * The same whole messages over and over, delivered as fast as asked for, like a socket that always
 * has a full receive buffer. Because the content is whole messages, any cut still frames correctly.
 */
final class EndlessStream extends InputStream {
    private final byte[] content;
    private int position;

    EndlessStream(byte[] content) {
        this.content = content.clone();
    }

    @Override
    public int read() {
        int value = content[position] & 0xff;
        position = (position + 1) % content.length;
        return value;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        int copied = 0;
        while (copied < length) {
            int piece = Math.min(length - copied, content.length - position);
            System.arraycopy(content, position, target, offset + copied, piece);
            copied += piece;
            position = (position + piece) % content.length;
        }
        return copied;
    }

    @Override
    public int available() {
        return Integer.MAX_VALUE;
    }
}
