package dev.shardgate.it.router;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory}: hands out plain sockets and remembers each under its
 * {@code socketFactoryArg}, so a test can cut a client's connection the way a crash would, with
 * no Terminate message (pgjdbc's own {@code abort} needs a SecurityManager, gone from the JDK).
 */
public final class TrackedSocketFactory extends SocketFactory {
    private static final ConcurrentMap<String, Socket> SOCKETS = new ConcurrentHashMap<>();

    private final String name;

    public TrackedSocketFactory(String name) {
        this.name = name;
    }

    /** Closes the socket made under {@code name}. */
    static void sever(String name) throws IOException {
        Socket socket = SOCKETS.remove(name);
        if (socket == null) {
            throw new IllegalStateException("no connection made under " + name);
        }
        socket.close();
    }

    @Override
    public Socket createSocket() {
        Socket socket = new Socket();
        SOCKETS.put(name, socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new UnsupportedOperationException("pgjdbc connects unconnected sockets");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new UnsupportedOperationException("pgjdbc connects unconnected sockets");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new UnsupportedOperationException("pgjdbc connects unconnected sockets");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw new UnsupportedOperationException("pgjdbc connects unconnected sockets");
    }
}
