package dev.shardgate.wire;

import java.io.IOException;

/**
 * An input stream that can wait for input without reading it: a {@link PgReader} with a
 * {@link BufferPool} gives its buffer back while it waits, and takes one again when bytes came.
 */
public interface AwaitableInput {
    /**
     * Returns when a read may find bytes, the end of the stream or an error; at once when it cannot
     * tell without reading. Honours the stream's read timeout.
     */
    void awaitReadable() throws IOException;
}
