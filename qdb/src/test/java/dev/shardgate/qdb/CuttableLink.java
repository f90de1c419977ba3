package dev.shardgate.qdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a loopback port to another loopback port, which a test can cut (every
 * connection through it is reset and new ones are refused) and mend: a network partition between
 * one client and a server that keeps running for everyone else.
 */
final class CuttableLink implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;

    private CuttableLink(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
        Thread.ofVirtual().name("link-accept").start(this::accept);
    }

    static CuttableLink to(int targetPort) {
        try {
            return new CuttableLink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The link's own end as an etcd endpoint. */
    List<String> endpoints() {
        return List.of("http://127.0.0.1:" + listener.getLocalPort());
    }

    void cut() {
        cut = true;
        open.forEach(CuttableLink::reset);
    }

    void mend() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing is all that was wanted.
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                reset(client);
                continue;
            }
            try {
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server));
                Thread.ofVirtual().start(() -> pump(server, client));
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // One side went away; the other goes too.
        } finally {
            open.remove(from);
            open.remove(to);
            reset(from);
            reset(to);
        }
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
