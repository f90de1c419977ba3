package dev.shardgate.router.loop;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A connected TCP socket as a session uses it: two streams, a read timeout, close. On an event
 * loop ({@link LoopConduit}) its waits cost no thread hop; otherwise it is a plain socket.
 */
public sealed interface Conduit extends Closeable permits Conduit.Plain, LoopConduit, TlsConduit {

    /**
     * The socket on the event loops when there are some and it has a channel (sockets of a
     * {@code ServerSocketChannel} or a {@code SocketChannel}), else the socket itself.
     */
    static Conduit of(Socket socket, EventLoops loops) throws IOException {
        if (loops != null && socket.getChannel() != null) {
            return LoopConduit.open(socket, loops);
        }
        return new Plain(socket);
    }

    InputStream input() throws IOException;

    OutputStream output() throws IOException;

    /** Like {@link Socket#setSoTimeout}: a read waiting longer throws SocketTimeoutException; 0 waits forever. */
    void readTimeout(int millis) throws SocketException;

    boolean isClosed();

    /** Ends the input side: a read blocked on it, or the next one, sees the end of the stream. Writing still works. */
    void shutdownInput() throws IOException;

    SocketAddress remoteAddress();

    /** A socket with the JDK's own blocking streams. */
    record Plain(Socket socket) implements Conduit {
        @Override
        public InputStream input() throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream output() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public void readTimeout(int millis) throws SocketException {
            socket.setSoTimeout(millis);
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public void shutdownInput() throws IOException {
            socket.shutdownInput();
        }

        @Override
        public SocketAddress remoteAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
