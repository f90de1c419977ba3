package dev.shardgate.wire.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over any pair of blocking streams, by the JDK's {@link SSLEngine}: the bytes of the streams
 * underneath are TLS records, the streams given out carry the plain bytes. It needs no socket, so
 * the same code serves plain sockets and the router's event loops, clients and shards.
 *
 * <p>One reader and one writer at a time, as with a socket's streams: SSLEngine allows a wrap and
 * an unwrap at once. A post-handshake message that needs an answer (TLS 1.3 key update) is answered
 * by the reader under the writer's lock.
 */
public final class TlsStreams {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Records from the peer not yet unwrapped; kept ready to read (position..limit). */
    private ByteBuffer netIn;
    /** Plain bytes unwrapped and not yet read; kept ready to read. */
    private ByteBuffer appIn;
    /** Records to send; filled by wrap, written out at once. */
    private ByteBuffer netOut;
    private boolean inputEnded;

    private final Input input = new Input();
    private final Output output = new Output();

    private TlsStreams(SSLEngine engine, InputStream rawIn, OutputStream rawOut) {
        this.engine = engine;
        this.rawIn = rawIn;
        this.rawOut = rawOut;
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize()).flip();
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
    }

    /**
     * Runs the handshake over the streams (under whatever read timeout they have) and returns the
     * secured streams.
     *
     * @throws SSLException when the handshake fails: the peer's certificate does not verify, no
     *                      protocol or cipher in common, the peer is not speaking TLS
     */
    public static TlsStreams handshake(SSLEngine engine, InputStream rawIn, OutputStream rawOut) throws IOException {
        TlsStreams streams = new TlsStreams(Objects.requireNonNull(engine), rawIn, rawOut);
        try {
            streams.runHandshake();
        } catch (SSLException e) {
            streams.sendAlert(); // so that the peer reads why (bad certificate, …) instead of a bare close
            throw e;
        }
        return streams;
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

    /** The negotiated session: protocol, cipher suite, the peer's certificates. */
    public SSLSession session() {
        return engine.getSession();
    }

    /**
     * Sends close_notify when no write is under way (a closing thread must not wait for a stuck
     * writer); the caller closes the socket.
     */
    public void closeQuietly() {
        if (!writeLock.tryLock()) {
            return;
        }
        try {
            engine.closeOutbound();
            wrapAndSend(EMPTY);
        } catch (IOException | RuntimeException ignored) {
            // the socket closes next either way
        } finally {
            writeLock.unlock();
        }
    }

    private void sendAlert() {
        writeLock.lock();
        try {
            engine.closeOutbound();
            wrapAndSend(EMPTY);
        } catch (IOException | RuntimeException ignored) {
            // the handshake's own failure is what the caller reports
        } finally {
            writeLock.unlock();
        }
    }

    private void runHandshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    writeLock.lock();
                    try {
                        wrapAndSend(EMPTY);
                    } finally {
                        writeLock.unlock();
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (!unwrapOnce()) {
                        throw new SSLException("the peer closed the connection during the TLS handshake");
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /**
     * Unwraps one record into {@link #appIn}, reading from the socket as needed, and does what the
     * engine asks afterwards. False at the end of the stream or on the peer's close_notify.
     */
    private boolean unwrapOnce() throws IOException {
        while (true) {
            appIn.compact();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
            }
            switch (result.getStatus()) {
                case OK -> {
                    afterEngineCall(result.getHandshakeStatus());
                    return true;
                }
                case CLOSED -> {
                    afterEngineCall(result.getHandshakeStatus());
                    inputEnded = true;
                    return false;
                }
                case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                case BUFFER_UNDERFLOW -> {
                    if (!readRecordBytes()) {
                        if (engine.isInboundDone() || !netIn.hasRemaining()) {
                            inputEnded = true;
                            return false;
                        }
                        throw new EOFException("connection closed in the middle of a TLS record");
                    }
                }
            }
        }
    }

    private void afterEngineCall(SSLEngineResult.HandshakeStatus status) throws IOException {
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            runTasks();
            status = engine.getHandshakeStatus();
        }
        if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            writeLock.lock();
            try {
                while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    wrapAndSend(EMPTY);
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Reads more record bytes from the socket into {@link #netIn}; false at its end. */
    private boolean readRecordBytes() throws IOException {
        int packetSize = engine.getSession().getPacketBufferSize();
        if (netIn.capacity() - netIn.remaining() == 0 || netIn.capacity() < packetSize) {
            netIn = grow(netIn, packetSize);
        }
        netIn.compact();
        try {
            int read = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
            if (read < 0) {
                return false;
            }
            netIn.position(netIn.position() + read);
            return true;
        } finally {
            netIn.flip();
        }
    }

    /** Wraps {@code from} (all of it) and writes the records; the caller holds {@link #writeLock}. */
    private void wrapAndSend(ByteBuffer from) throws IOException {
        do {
            netOut.clear();
            SSLEngineResult result = engine.wrap(from, netOut);
            switch (result.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
                    continue;
                }
                case CLOSED -> {
                    if (from.hasRemaining()) {
                        throw new SocketException("TLS connection closed");
                    }
                }
                case OK, BUFFER_UNDERFLOW -> { }
            }
            if (netOut.position() > 0) {
                rawOut.write(netOut.array(), 0, netOut.position());
            }
            if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        } while (from.hasRemaining());
        rawOut.flush();
    }

    private static ByteBuffer grow(ByteBuffer readable, int atLeast) {
        ByteBuffer grown = ByteBuffer.allocate(Math.max(atLeast, readable.capacity() * 2));
        grown.put(readable);
        return grown.flip();
    }

    private int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        readLock.lock();
        try {
            while (!appIn.hasRemaining()) {
                if (inputEnded || !unwrapOnce()) {
                    if (!appIn.hasRemaining()) {
                        return -1;
                    }
                }
            }
            int count = Math.min(length, appIn.remaining());
            appIn.get(bytes, offset, count);
            return count;
        } finally {
            readLock.unlock();
        }
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        writeLock.lock();
        try {
            wrapAndSend(ByteBuffer.wrap(bytes, offset, length));
        } finally {
            writeLock.unlock();
        }
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int read = TlsStreams.this.read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return TlsStreams.this.read(bytes, offset, length);
        }

        /**
         * The plain bytes already unwrapped. Bytes of a record still in transit are not counted: a
         * proxy that sees 0 here flushes and then waits, which is right.
         */
        @Override
        public int available() {
            return appIn.remaining();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            TlsStreams.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            TlsStreams.this.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            rawOut.flush();
        }
    }
}
