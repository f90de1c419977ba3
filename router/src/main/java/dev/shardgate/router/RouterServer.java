package dev.shardgate.router;

import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;

/** The router's listener: accepts PostgreSQL clients and runs each session on its own virtual thread. */
public final class RouterServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RouterServer.class);

    private final RouterContext context;
    private final ServerSocket serverSocket;
    private final Thread acceptor;

    private RouterServer(RouterContext context, ServerSocket serverSocket) {
        this.context = context;
        this.serverSocket = serverSocket;
        this.acceptor = Thread.ofPlatform().name("router-accept").daemon(true).unstarted(this::acceptLoop);
    }

    /** Binds router_port on host (port 0 picks a free port) and starts accepting. */
    public static RouterServer start(RouterConfig config) throws IOException {
        RouterContext context = RouterContext.create(config);
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.routerPort()), 1024);
        } catch (IOException | RuntimeException e) {
            socket.close();
            context.close();
            throw e;
        }
        RouterServer server = new RouterServer(context, socket);
        server.acceptor.start();
        log.info("event=router_started host={} port={} shards={}", config.host(), server.port(), config.shards().keySet());
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    public RouterContext context() {
        return context;
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            try {
                Socket client = serverSocket.accept();
                client.setTcpNoDelay(true);
                Thread.ofVirtual().name("client-" + client.getPort()).start(() -> {
                    try {
                        new ClientSession(context, client).run();
                    } catch (IOException e) {
                        log.warn("event=client_setup_failed error=\"{}\"", e.toString());
                    }
                });
            } catch (SocketException e) {
                if (!serverSocket.isClosed()) {
                    log.error("event=accept_failed error=\"{}\"", e.toString());
                }
            } catch (IOException e) {
                log.error("event=accept_failed error=\"{}\"", e.toString());
            }
        }
    }

    @Override
    public void close() {
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // already closed
        }
        context.close();
        log.info("event=router_stopped port={}", serverSocket.getLocalPort());
    }
}
