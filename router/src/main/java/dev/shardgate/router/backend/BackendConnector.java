package dev.shardgate.router.backend;

import dev.shardgate.router.config.ShardLinkSettings;
import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.EventLoops;
import dev.shardgate.router.tls.ShardTls;
import dev.shardgate.wire.AuthenticationCleartextPassword;
import dev.shardgate.wire.AuthenticationMd5Password;
import dev.shardgate.wire.AuthenticationOk;
import dev.shardgate.wire.AuthenticationSasl;
import dev.shardgate.wire.AuthenticationSaslContinue;
import dev.shardgate.wire.AuthenticationSaslFinal;
import dev.shardgate.wire.BackendKeyData;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.NegotiateProtocolVersion;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PasswordMessage;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.Protocol;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.auth.Md5Password;
import dev.shardgate.wire.auth.ScramClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Opens a connection to a shard and logs in as a PostgreSQL client would (protocol 3.0, trust,
 * cleartext, md5 or SCRAM-SHA-256, whichever the server asks for).
 */
public final class BackendConnector {
    private final int maxMessageLength;
    private final EventLoops loops;
    private final ShardLinkSettings links;
    private final ShardTls tls;

    public BackendConnector(int maxMessageLength) {
        this(maxMessageLength, null, ShardLinkSettings.DEFAULTS, ShardTls.NONE);
    }

    public BackendConnector(int maxMessageLength, EventLoops loops, ShardLinkSettings links) {
        this(maxMessageLength, loops, links, ShardTls.NONE);
    }

    /**
     * @param loops the event loops that drive backend sockets, or null for plain blocking sockets
     * @param links the connect-and-login timeout and the keepalive of backend sockets
     * @param tls   which shards are asked for TLS, and how their certificates are checked
     */
    public BackendConnector(int maxMessageLength, EventLoops loops, ShardLinkSettings links, ShardTls tls) {
        this.tls = tls;
        this.maxMessageLength = maxMessageLength;
        this.loops = loops;
        this.links = links;
    }

    /**
     * This connector's TLS towards each shard, on plain blocking sockets with {@code checkLinks}'
     * timeouts: what the health checker connects with.
     */
    public BackendConnector forChecks(ShardLinkSettings checkLinks) {
        return new BackendConnector(maxMessageLength, null, checkLinks, tls);
    }

    /**
     * @param password the password for this user on the shard, or null when the shard trusts the router
     */
    public BackendConnection connect(BackendAddress address, String database, String user, String password)
            throws IOException {
        return connect(address, database, user, password, Map.of());
    }

    /** As above, with more startup parameters (the health checker names itself with application_name). */
    public BackendConnection connect(BackendAddress address, String database, String user, String password,
                                     Map<String, String> moreStartup) throws IOException {
        Socket socket = loops == null ? new Socket() : SocketChannel.open().socket();
        Conduit conduit = null;
        long timeoutMillis = links.serverConnectTimeout().toMillis();
        long deadline = System.nanoTime() + links.serverConnectTimeout().toNanos();
        try {
            socket.setTcpNoDelay(true);
            links.applyKeepaliveTo(socket);
            // name resolution blocks its thread in the kernel: not on an event loop's
            socket.connect(EventLoops.offLoop(() -> new InetSocketAddress(address.host(), address.port())),
                    (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
            conduit = Conduit.of(socket, loops);
            // a hung server (SIGSTOP) completes the TCP handshake in its kernel and never answers the
            // startup packet: the login must finish within what is left of server_connect_timeout
            conduit.readTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            conduit = tls.secure(address, conduit);
            PgReader reader = new PgReader(conduit.input(), maxMessageLength);
            PgWriter writer = new PgWriter(conduit.output());
            Map<String, String> startup = new LinkedHashMap<>();
            startup.put("user", user);
            startup.put("database", database);
            startup.put("client_encoding", "UTF8");
            startup.putAll(moreStartup);
            writer.write(new StartupMessage(Protocol.VERSION_3_0, startup));
            writer.flush();
            authenticate(address, user, password, reader, writer);
            Map<String, String> reported = new LinkedHashMap<>();
            int processId = 0;
            int secretKey = 0;
            while (true) {
                BackendMessage message = reader.readBackend();
                switch (message) {
                    case ParameterStatus status -> reported.put(status.name(), status.value());
                    case BackendKeyData key -> {
                        processId = key.processId();
                        secretKey = key.secretKey();
                    }
                    case ReadyForQuery ignored -> {
                        // from now on a read waits for an answer: query_timeout bounds the shard's silence
                        conduit.readTimeout(links.backendReadTimeoutMillis());
                        Map<String, String> applied = Map.of("client_encoding", "UTF8");
                        BackendConnection connection = new BackendConnection(address, conduit, reader, writer,
                                processId, secretKey, reported, applied);
                        connection.timeouts(links.backendReadTimeoutMillis(), links.cancelWaitTimeout());
                        return connection;
                    }
                    case ErrorResponse error -> throw shardError(address, error);
                    case NoticeResponse ignored -> { }
                    case NegotiateProtocolVersion ignored -> { }
                    default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                            "shard " + address + " sent unexpected message " + message.getClass().getSimpleName() + " during startup");
                }
            }
        } catch (SocketTimeoutException e) {
            closeQuietly(conduit, socket);
            // an IOException: the host's pool fails with 08001 naming shard and host, and counts a failed check
            throw new SocketTimeoutException("no answer from " + address.host() + ":" + address.port()
                    + " within server_connect_timeout (" + timeoutMillis + " ms)");
        } catch (IOException | RuntimeException e) {
            closeQuietly(conduit, socket);
            throw e;
        }
    }

    private static void closeQuietly(Conduit conduit, Socket socket) {
        try {
            if (conduit != null) {
                conduit.close();
            }
            socket.close();
        } catch (IOException ignored) {
            // the connection failed already; its error is what the caller reports
        }
    }

    private static void authenticate(BackendAddress address, String user, String password,
                                     PgReader reader, PgWriter writer) throws IOException {
        ScramClient scram = null;
        while (true) {
            BackendMessage message = reader.readBackend();
            switch (message) {
                case AuthenticationOk ignored -> {
                    return;
                }
                case AuthenticationCleartextPassword ignored -> {
                    writer.write(PasswordMessage.cleartext(requirePassword(address, user, password)));
                    writer.flush();
                }
                case AuthenticationMd5Password md5 -> {
                    String response = Md5Password.clientResponse(user, requirePassword(address, user, password), md5.salt());
                    writer.write(PasswordMessage.cleartext(response));
                    writer.flush();
                }
                case AuthenticationSasl sasl -> {
                    List<String> mechanisms = sasl.mechanisms();
                    if (!mechanisms.contains("SCRAM-SHA-256")) {
                        throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                                "shard " + address + " offers no supported SASL mechanism: " + mechanisms);
                    }
                    scram = new ScramClient(requirePassword(address, user, password));
                    writer.write(PasswordMessage.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst()));
                    writer.flush();
                }
                case AuthenticationSaslContinue cont -> {
                    if (scram == null) {
                        throw new PgException(SqlState.PROTOCOL_VIOLATION, "shard " + address + " sent SASL data before SASL start");
                    }
                    writer.write(PasswordMessage.saslResponse(scram.clientFinal(cont.data())));
                    writer.flush();
                }
                case AuthenticationSaslFinal fin -> {
                    if (scram == null) {
                        throw new PgException(SqlState.PROTOCOL_VIOLATION, "shard " + address + " sent SASL final before SASL start");
                    }
                    scram.verifyServerFinal(fin.data());
                }
                case ErrorResponse error -> throw shardError(address, error);
                case NoticeResponse ignored -> { }
                case NegotiateProtocolVersion ignored -> { }
                default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                        "shard " + address + " sent unexpected message " + message.getClass().getSimpleName() + " during authentication");
            }
        }
    }

    private static String requirePassword(BackendAddress address, String user, String password) {
        if (password == null) {
            throw new PgException(SqlState.INVALID_PASSWORD, "shard " + address
                    + " asks for a password for user \"" + user + "\" but the backend rule has none");
        }
        return password;
    }

    private static PgException shardError(BackendAddress address, ErrorResponse error) {
        SqlState state = SqlStates.fromCode(error.code());
        return new PgException(state, "shard " + address + ": " + error.message());
    }
}
