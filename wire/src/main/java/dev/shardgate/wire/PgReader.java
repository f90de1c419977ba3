package dev.shardgate.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Reads protocol messages from a socket stream through its own buffer. {@link #next()} frames one
 * message and leaves it in the buffer; the caller then decodes it ({@link #frontend()},
 * {@link #backend()}), looks at its bytes ({@link #payload()}) or forwards it untouched
 * ({@link #copyCurrentTo(PgWriter)}). Each read from the stream takes as much as the buffer holds,
 * so a burst of small messages costs one system call. A message larger than the buffer grows it, up
 * to the configured maximum, as its bytes arrive: the buffer at most doubles per step, so a length
 * word claiming a gigabyte costs nothing until the client has sent about half of it. Not thread-safe:
 * one reader per socket direction.
 */
public final class PgReader {
    static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** A buffer grown for a large message is dropped afterwards if above this, so idle sessions stay small. */
    private static final int RETAINED_BUFFER_LIMIT = 256 * 1024;
    private static final int NO_MESSAGE = -1;

    private InputStream in;
    private final int maxMessageLength;
    /** The length word accepted now: {@link #maxMessageLength}, or less while a login is in progress. */
    private int messageLengthLimit;
    private final int initialBufferSize;
    /** Null while a pooled reader waits for input with nothing buffered (see {@link #fill}). */
    private byte[] buffer;
    /** Where the buffer goes while nothing is buffered and the input is awaited; null: the reader keeps its own. */
    private final BufferPool pool;
    /** Start of bytes not yet consumed: the current message's type byte while there is one. */
    private int position;
    /** End of the bytes read from the stream. */
    private int filled;
    private int type = NO_MESSAGE;
    private int payloadLength;
    /**
     * The encoding of the strings in server messages: a server sends text in the client_encoding it
     * last reported, so a reader of server messages follows its ParameterStatus.
     */
    private ClientEncoding serverText = ClientEncoding.UTF8;
    private String reportedClientEncoding;
    private String reportedServerEncoding;
    private Consumer<ClientEncoding> textEncodingListener = encoding -> { };

    /**
     * @param maxMessageLength the largest length word accepted (it counts itself but not the type
     *                         byte), like PostgreSQL's PQ_LARGE_MESSAGE_LIMIT
     */
    public PgReader(InputStream in, int maxMessageLength) {
        this(in, maxMessageLength, DEFAULT_BUFFER_SIZE);
    }

    /** @param bufferSize the buffer to start with; a larger message grows it (sessions that are mostly idle start small) */
    public PgReader(InputStream in, int maxMessageLength, int bufferSize) {
        if (maxMessageLength < 4 || maxMessageLength > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("invalid maximum message length " + maxMessageLength);
        }
        this.in = in;
        this.maxMessageLength = maxMessageLength;
        this.messageLengthLimit = maxMessageLength;
        this.initialBufferSize = Math.max(16, bufferSize);
        this.buffer = new byte[initialBufferSize];
        this.pool = null;
    }

    /**
     * A reader that holds a buffer of {@code pool} only while it has bytes to frame: when all it read
     * is consumed and its input is an {@link AwaitableInput}, it gives the buffer back before waiting.
     */
    public PgReader(InputStream in, int maxMessageLength, BufferPool pool) {
        if (maxMessageLength < 4 || maxMessageLength > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("invalid maximum message length " + maxMessageLength);
        }
        this.in = in;
        this.maxMessageLength = maxMessageLength;
        this.messageLengthLimit = maxMessageLength;
        this.initialBufferSize = pool.size();
        this.pool = pool;
    }

    /**
     * Accepts only messages up to {@code length} (counting the length word) until {@link
     * #liftMessageLengthLimit()}: before a client has logged in it may send only what a login needs,
     * as PostgreSQL caps authentication messages (PG_MAX_AUTH_TOKEN_LENGTH).
     */
    public void limitMessageLength(int length) {
        messageLengthLimit = Math.min(Math.max(4, length), maxMessageLength);
    }

    /** Back to the configured maximum message length. */
    public void liftMessageLengthLimit() {
        messageLengthLimit = maxMessageLength;
    }

    /**
     * Reads the untyped packet that opens a connection: StartupMessage, SSLRequest, GSSENCRequest or
     * CancelRequest. After an SSLRequest or GSSENCRequest the client must wait for the server's answer,
     * so bytes already buffered behind it are refused as PostgreSQL does (CVE-2021-23214): they were
     * sent in clear text and could be injected by a man in the middle.
     */
    public FrontendMessage readStartupPacket() throws IOException {
        consumeCurrent();
        if (!fill(4)) {
            throw new EOFException(position == filled ? "connection closed before the startup packet" : "incomplete startup packet");
        }
        int length = int32At(position);
        if (length < 8 || length - 4 > Protocol.MAX_STARTUP_PACKET_LENGTH) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "invalid length of startup packet");
        }
        if (!fill(length)) {
            throw new EOFException("incomplete startup packet");
        }
        FrontendMessage message = Decoder.startup(
                new Payload(buffer, position + 4, position + length, Payload.STARTUP_PACKET, true));
        position += length;
        if (position < filled && (message instanceof SslRequest || message instanceof GssEncRequest)) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    message instanceof SslRequest ? "received unencrypted data after SSL request"
                            : "received unencrypted data after GSSAPI encryption request",
                    "This could be either a client-software bug or evidence of an attempted man-in-the-middle attack.",
                    null, 0);
        }
        return message;
    }

    /**
     * Reads the next typed message into the buffer.
     *
     * @return its type byte as 0..255, or -1 when the stream ends cleanly between messages
     * @throws EOFException if the stream ends inside a message
     * @throws PgException  PROTOCOL_VIOLATION if the length word is below 4 or above the maximum
     */
    public int next() throws IOException {
        consumeCurrent();
        if (!fill(5)) {
            if (position == filled) {
                return -1;
            }
            throw new EOFException("connection closed inside a message header");
        }
        int messageType = buffer[position] & 0xff;
        int length = int32At(position + 1);
        if (length < 4) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "invalid message length " + length + " in message of type " + Protocol.describeType(messageType));
        }
        if (length > messageLengthLimit) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "message of type " + Protocol.describeType(messageType)
                    + " has length " + length + ", which exceeds the limit of " + messageLengthLimit + " bytes");
        }
        if (!fill(1 + length)) {
            throw new EOFException("connection closed inside a message of type " + Protocol.describeType(messageType)
                    + " (" + (filled - position) + " of " + (1 + length) + " bytes read)");
        }
        type = messageType;
        payloadLength = length - 4;
        return messageType;
    }

    /** The current message's type byte as 0..255. */
    public int type() {
        requireMessage();
        return type;
    }

    /** The current message's payload length, without the type byte and the length word. */
    public int length() {
        requireMessage();
        return payloadLength;
    }

    /** A read-only view of the current payload, valid until the next read. */
    public ByteBuffer payload() {
        requireMessage();
        return ByteBuffer.wrap(buffer, position + 5, payloadLength).slice().asReadOnlyBuffer();
    }

    /** One byte of the current payload, without a view object (a relay peeks at each CommandComplete and ReadyForQuery). */
    public byte payloadByte(int index) {
        requireMessage();
        if (index < 0 || index >= payloadLength) {
            throw new IndexOutOfBoundsException("byte " + index + " of a payload of " + payloadLength);
        }
        return buffer[position + 5 + index];
    }

    public FrontendMessage frontend() {
        return frontend(ClientEncoding.UTF8);
    }

    /** The current message, its Query or Parse text read in the session's client encoding. */
    public FrontendMessage frontend(ClientEncoding encoding) {
        requireMessage();
        return Decoder.frontend(new Payload(buffer, position + 5, position + 5 + payloadLength, type, true,
                encoding.textCharset()), encoding);
    }

    /** The current server message, its strings read in the client_encoding the server reported. */
    public BackendMessage backend() {
        requireMessage();
        BackendMessage message = Decoder.backend(new Payload(buffer, position + 5, position + 5 + payloadLength, type, false,
                serverText.textCharset()));
        if (message instanceof ParameterStatus status) {
            follow(status);
        }
        return message;
    }

    /** Told whenever the server's text encoding changes (a writer to the same server follows it). */
    public void onTextEncoding(Consumer<ClientEncoding> listener) {
        this.textEncodingListener = listener;
        listener.accept(serverText);
    }

    public ClientEncoding textEncoding() {
        return serverText;
    }

    private void follow(ParameterStatus status) {
        if (status.name().equalsIgnoreCase("client_encoding")) {
            reportedClientEncoding = status.value();
        } else if (status.name().equalsIgnoreCase("server_encoding")) {
            reportedServerEncoding = status.value();
        } else {
            return;
        }
        ClientEncoding now = ClientEncoding.ofSession(reportedClientEncoding, reportedServerEncoding);
        if (!now.equals(serverText)) {
            serverText = now;
            textEncodingListener.accept(now);
        }
    }

    /** {@link #next()} then {@link #frontend()}; the end of the stream is an EOFException here. */
    public FrontendMessage readFrontend() throws IOException {
        if (next() < 0) {
            throw new EOFException("connection closed");
        }
        return frontend();
    }

    /** {@link #next()} then {@link #backend()}; the end of the stream is an EOFException here. */
    public BackendMessage readBackend() throws IOException {
        if (next() < 0) {
            throw new EOFException("connection closed");
        }
        return backend();
    }

    /** Writes the current message — type byte, length word, payload — exactly as it was received. */
    public void copyCurrentTo(PgWriter out) throws IOException {
        requireMessage();
        out.writeRawBytes(buffer, position, 5 + payloadLength);
    }

    /**
     * True when more input is already at hand: bytes buffered after the current message, or bytes
     * the stream can deliver without blocking. A proxy flushes its output when this turns false.
     */
    public boolean hasBufferedInput() {
        int consumed = type == NO_MESSAGE ? position : position + 5 + payloadLength;
        if (consumed < filled) {
            return true;
        }
        try {
            return in.available() > 0;
        } catch (IOException e) {
            // A broken stream has nothing buffered; the next read reports the failure.
            return false;
        }
    }

    /**
     * True when bytes after the current message are already in this reader's buffer: what a proxy
     * asks, without a system call, before flushing its output (a batch of messages read at once is
     * forwarded in one write).
     */
    public boolean hasBufferedMessage() {
        int consumed = type == NO_MESSAGE ? position : position + 5 + payloadLength;
        return consumed < filled;
    }

    /**
     * Reads from {@code next} from now on: the socket's TLS stream once the handshake that followed
     * an SSLRequest is done. Bytes that came in clear text after the SSLRequest would be read as if
     * encrypted (CVE-2021-23214): refused as PostgreSQL refuses them.
     */
    public void switchTo(InputStream next) {
        int consumed = type == NO_MESSAGE ? position : position + 5 + payloadLength;
        if (consumed < filled) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "received unencrypted data after SSL request");
        }
        in = next;
    }

    private void consumeCurrent() {
        if (type != NO_MESSAGE) {
            position += 5 + payloadLength;
            type = NO_MESSAGE;
        }
        if (buffer != null && buffer.length > RETAINED_BUFFER_LIMIT && filled - position <= initialBufferSize) {
            relocate(new byte[initialBufferSize]);
        }
    }

    /**
     * Makes at least {@code count} unconsumed bytes available; false if the stream ends first. The
     * buffer grows only when full, to at most twice its size: {@code count} comes from a length word
     * the peer merely claims, so memory follows the bytes that actually arrive.
     */
    private boolean fill(int count) throws IOException {
        if (filled - position >= count) {
            return true;
        }
        if (pool != null && position == filled) {
            if (buffer != null) {
                pool.release(buffer);
                buffer = null;
            }
            position = 0;
            filled = 0;
            if (in instanceof AwaitableInput input) {
                input.awaitReadable(); // holding no buffer: an idle session costs none
            }
        }
        if (buffer == null) {
            buffer = pool.acquire();
        }
        if (position + count > buffer.length && position > 0) {
            relocate(count > buffer.length ? new byte[grownSize(count)] : buffer);
        }
        while (filled - position < count) {
            if (filled == buffer.length) {
                relocate(new byte[grownSize(count)]);
            }
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                return false;
            }
            filled += read;
        }
        return true;
    }

    /** The next buffer size for a message of {@code count} bytes: double, but no more than the message needs. */
    private int grownSize(int count) {
        return (int) Math.min(count, Math.max(2L * buffer.length, initialBufferSize));
    }

    /** Moves the unconsumed bytes to the start of {@code target}, which becomes the buffer. */
    private void relocate(byte[] target) {
        int unconsumed = filled - position;
        System.arraycopy(buffer, position, target, 0, unconsumed);
        buffer = target;
        position = 0;
        filled = unconsumed;
    }

    private int int32At(int offset) {
        return ((buffer[offset] & 0xff) << 24) | ((buffer[offset + 1] & 0xff) << 16)
                | ((buffer[offset + 2] & 0xff) << 8) | (buffer[offset + 3] & 0xff);
    }

    private void requireMessage() {
        if (type == NO_MESSAGE) {
            throw new IllegalStateException("no current message: call next() first");
        }
    }
}
