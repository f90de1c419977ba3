package dev.shardgate.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Buffers outgoing messages for one socket direction and hands them to the stream in large writes:
 * when the buffer fills up, and on {@link #flush()}. Messages are encoded straight into the buffer.
 * A write that does not fit is passed through without copying. A message that fails to encode
 * leaves nothing behind. Not thread-safe: exactly one writer per socket direction, used by one
 * thread at a time.
 */
public final class PgWriter {
    static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** After a large message grew the buffer beyond this, it is replaced by a fresh one of the usual size. */
    private static final int RETAINED_BUFFER_LIMIT = 256 * 1024;

    private OutputStream out;
    private final int bufferSize;
    private ByteSink sink;
    /** Where the buffer goes after a flush, and comes from at the next write; null: the writer keeps its own. */
    private final BufferPool pool;
    /** The charset of the strings written (names, error texts): the peer's client encoding. */
    private volatile Charset text = StandardCharsets.UTF_8;

    public PgWriter(OutputStream out) {
        this(out, DEFAULT_BUFFER_SIZE);
    }

    /** @param bufferSize how much is gathered before a write; larger messages pass straight through */
    public PgWriter(OutputStream out, int bufferSize) {
        this.out = out;
        this.bufferSize = Math.max(16, bufferSize);
        this.sink = new ByteSink(this.bufferSize);
        this.pool = null;
    }

    /** A writer that holds a buffer of {@code pool} only between its first write and the next flush. */
    public PgWriter(OutputStream out, BufferPool pool) {
        this.out = out;
        this.bufferSize = pool.size();
        this.sink = new ByteSink(16);
        this.pool = pool;
        sink.takeArray();
    }

    /** Before each write: a pooled writer that flushed takes a buffer again. */
    private void holdBuffer() {
        if (pool != null && sink.capacity() == 0) {
            sink.giveArray(pool.acquire());
        }
    }

    public void write(FrontendMessage message) throws IOException {
        holdBuffer();
        sink.textCharset(text);
        Encoder.encode(message, sink);
        drainIfFull();
    }

    public void write(BackendMessage message) throws IOException {
        holdBuffer();
        sink.textCharset(text);
        Encoder.encode(message, sink);
        drainIfFull();
    }

    /** Strings in later messages are written in this encoding (statement text travels as bytes already). */
    public void textEncoding(ClientEncoding encoding) {
        this.text = encoding.textCharset();
    }

    /** CopyData travels both ways; this overload settles which {@code write} a call means. */
    public void write(CopyData message) throws IOException {
        write((FrontendMessage) message);
    }

    /** CopyDone travels both ways; this overload settles which {@code write} a call means. */
    public void write(CopyDone message) throws IOException {
        write((FrontendMessage) message);
    }

    /** A message from its type byte and payload (position to limit; the buffer's position is not moved). */
    public void writeRaw(byte type, ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        if (length > Integer.MAX_VALUE - 4) {
            throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED, "message of " + length + " bytes is too large");
        }
        holdBuffer();
        sink.writeByte(type);
        sink.writeInt32(4 + length);
        if (payload.hasArray()) {
            writeRawBytes(payload.array(), payload.arrayOffset() + payload.position(), length);
            return;
        }
        // A read-only or direct buffer has no accessible array: copy it through ours in pieces.
        int from = payload.position();
        int end = from + length;
        while (from < end) {
            if (sink.size() >= bufferSize) {
                drain();
            }
            int piece = Math.min(end - from, bufferSize - sink.size());
            int at = sink.reserve(piece);
            payload.get(from, sink.array(), at, piece);
            from += piece;
        }
        drainIfFull();
    }

    /** Bytes that already form whole messages, e.g. a message forwarded by {@link PgReader#copyCurrentTo}. */
    public void writeRawBytes(byte[] bytes, int offset, int length) throws IOException {
        holdBuffer();
        if ((long) sink.size() + length <= bufferSize) {
            sink.writeBytes(bytes, offset, length);
            drainIfFull();
            return;
        }
        drain();
        if (length >= bufferSize) {
            out.write(bytes, offset, length);
        } else {
            sink.writeBytes(bytes, offset, length);
        }
    }

    /** Sends everything buffered and flushes the stream. */
    public void flush() throws IOException {
        drain();
        out.flush();
        if (pool != null && sink.capacity() > 0) {
            pool.release(sink.takeArray()); // everything is out: hold no buffer while the peer thinks
        }
    }

    /** Bytes written but not yet handed to the stream. */
    public int bufferedBytes() {
        return sink.size();
    }

    /** Writes to {@code next} from now on (after a TLS handshake); what was buffered goes out first. */
    public void switchTo(OutputStream next) throws IOException {
        flush();
        out = next;
    }

    private void drainIfFull() throws IOException {
        if (sink.size() >= bufferSize) {
            drain();
        }
    }

    private void drain() throws IOException {
        if (sink.size() > 0) {
            sink.writeTo(out);
            sink.reset();
        }
        if (sink.capacity() > RETAINED_BUFFER_LIMIT) {
            if (pool != null) {
                sink.takeArray(); // grown for a large message: left to the collector
                sink.giveArray(pool.acquire());
            } else {
                sink = new ByteSink(bufferSize);
            }
        }
    }
}
