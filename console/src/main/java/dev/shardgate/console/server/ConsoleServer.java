package dev.shardgate.console.server;

import dev.shardgate.console.exec.ConsoleExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import dev.shardgate.wire.auth.FailedLogins;
import dev.shardgate.wire.listen.AcceptFailures;
import dev.shardgate.wire.listen.ConnectionSlots;
import dev.shardgate.wire.listen.TooManyClients;
import java.util.Set;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin console over the PostgreSQL protocol, so that psql and drivers can connect: one
 * virtual thread per client, statements run by a {@link ConsoleExecutor}.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);

    /**
     * What a console client may cost: the whole login within {@code authTimeout}, at most {@code
     * maxClients} connections at once (one more is told 53300), and after a failed login from an
     * address its next logins {@code authFailureDelay} apart.
     */
    public record Limits(Duration authTimeout, int maxClients, Duration authFailureDelay) {
        /** PostgreSQL's authentication_timeout; a console is for a few operators and their tools. */
        public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(60), 100, Duration.ofSeconds(1));
    }

    private final ServerSocket serverSocket;
    private final ConsoleAccess access;
    private final ConsoleExecutor executor;
    private final ConsoleTls tls;
    private final Set<AutoCloseable> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final Limits limits;
    private final ConnectionSlots slots;
    private final FailedLogins failedLogins;
    private final AcceptFailures acceptFailures = new AcceptFailures(log, "console");

    private ConsoleServer(ServerSocket serverSocket, ConsoleAccess access, ConsoleExecutor executor, ConsoleTls tls,
                          Limits limits) {
        this.tls = tls;
        this.serverSocket = serverSocket;
        this.access = access;
        this.executor = executor;
        this.limits = limits;
        this.slots = new ConnectionSlots(limits.maxClients());
        this.failedLogins = new FailedLogins(limits.authFailureDelay());
        this.acceptor = Thread.ofPlatform().name("console-accept").daemon(true).unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code host:port} and starts accepting clients.
     *
     * @param port 0 picks a free port; see {@link #port()}
     */
    public static ConsoleServer start(String host, int port, ConsoleAccess access, ConsoleExecutor executor)
            throws IOException {
        return start(host, port, access, executor, ConsoleTls.NONE, Limits.DEFAULTS);
    }

    /** Like {@link #start(String, int, ConsoleAccess, ConsoleExecutor)}, serving TLS as {@code tls} says. */
    public static ConsoleServer start(String host, int port, ConsoleAccess access, ConsoleExecutor executor, ConsoleTls tls)
            throws IOException {
        return start(host, port, access, executor, tls, Limits.DEFAULTS);
    }

    /** Serving TLS as {@code tls} says, with login limits of its own. */
    public static ConsoleServer start(String host, int port, ConsoleAccess access, ConsoleExecutor executor, ConsoleTls tls,
                                      Limits limits)
            throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 128);
        } catch (BindException e) {
            socket.close();
            throw new BindException("cannot listen for the admin console on " + host + ":" + port + ": "
                    + e.getMessage());
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        ConsoleServer server = new ConsoleServer(socket, Objects.requireNonNull(access), Objects.requireNonNull(executor),
                Objects.requireNonNull(tls), Objects.requireNonNull(limits));
        server.acceptor.start();
        log.info("event=console_started host={} port={}", host, server.port());
        return server;
    }

    /** The port bound, also when 0 was asked for. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    private void acceptLoop() {
        while (!serverSocket.isClosed()) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    acceptFailures.failed(e);
                }
                continue;
            }
            acceptFailures.succeeded();
            if (!slots.tryTake()) {
                log.warn("event=console_client_refused address={} reason=\"{} console clients already\"",
                        client.getRemoteSocketAddress(), slots.limit());
                TooManyClients.refuse(client, cancel -> { }); // the console has nothing to cancel
                continue;
            }
            clients.add(client);
            try {
                Thread.ofVirtual().name("console-client-" + client.getPort()).start(() -> {
                    try {
                        client.setTcpNoDelay(true);
                        new ConsoleSession(client, access, executor, tls, limits, failedLogins).run();
                    } catch (IOException e) {
                        log.warn("event=console_client_setup_failed error=\"{}\"", e.toString());
                    } finally {
                        clients.remove(client);
                        closeQuietly(client);
                        slots.release();
                    }
                });
            } catch (RuntimeException | OutOfMemoryError e) {
                log.error("event=console_client_thread_failed error=\"{}\"", e.toString());
                clients.remove(client);
                closeQuietly(client);
                slots.release();
            }
        }
    }

    /**
     * Serves a console client that another listener accepted (the router's port), on the calling
     * thread until the client leaves; it counts against the console's limit of clients. The caller
     * closes the connection afterwards.
     */
    public void serve(HandedOffClient client) {
        if (!slots.tryTake()) {
            log.warn("event=console_client_refused client={} reason=\"{} console clients already\"", client.client(),
                    slots.limit());
            try {
                client.out().write(ErrorResponse.fatal(new PgException(SqlState.TOO_MANY_CONNECTIONS,
                        "sorry, too many clients already")));
                client.out().flush();
            } catch (IOException ignored) {
                // the client is gone; nothing to tell
            }
            return;
        }
        clients.add(client.connection());
        try {
            new ConsoleSession(access, executor, tls, limits, failedLogins).run(client);
        } finally {
            clients.remove(client.connection());
            slots.release();
        }
    }

    /** Stops accepting and disconnects every client. */
    @Override
    public void close() {
        closeQuietly(serverSocket);
        for (AutoCloseable client : clients) {
            closeQuietly(client);
        }
        log.info("event=console_stopped port={}", serverSocket.getLocalPort());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is all that is left to do; a failure changes nothing.
        }
    }
}
