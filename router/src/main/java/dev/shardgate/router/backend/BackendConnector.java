package dev.shardgate.router.backend;

import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.EventLoops;
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
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens a connection to a shard and logs in as a PostgreSQL client would (protocol 3.0, trust,
 * cleartext, md5 or SCRAM-SHA-256, whichever the server asks for).
 */
public final class BackendConnector {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final int maxMessageLength;
    private final EventLoops loops;

    public BackendConnector(int maxMessageLength) {
        this(maxMessageLength, null);
    }

    /** @param loops the event loops that drive backend sockets, or null for plain blocking sockets */
    public BackendConnector(int maxMessageLength, EventLoops loops) {
        this.maxMessageLength = maxMessageLength;
        this.loops = loops;
    }

    /**
     * @param password the password for this user on the shard, or null when the shard trusts the router
     */
    public BackendConnection connect(BackendAddress address, String database, String user, String password)
            throws IOException {
        Socket socket = loops == null ? new Socket() : SocketChannel.open().socket();
        Conduit conduit = null;
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            // name resolution blocks its thread in the kernel: not on an event loop's
            socket.connect(EventLoops.offLoop(() -> new InetSocketAddress(address.host(), address.port())),
                    CONNECT_TIMEOUT_MILLIS);
            conduit = Conduit.of(socket, loops);
            PgReader reader = new PgReader(conduit.input(), maxMessageLength);
            PgWriter writer = new PgWriter(conduit.output());
            Map<String, String> startup = new LinkedHashMap<>();
            startup.put("user", user);
            startup.put("database", database);
            startup.put("client_encoding", "UTF8");
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
                        Map<String, String> applied = Map.of("client_encoding", "UTF8");
                        return new BackendConnection(address, conduit, reader, writer, processId, secretKey, reported, applied);
                    }
                    case ErrorResponse error -> throw shardError(address, error);
                    case NoticeResponse ignored -> { }
                    case NegotiateProtocolVersion ignored -> { }
                    default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                            "shard " + address + " sent unexpected message " + message.getClass().getSimpleName() + " during startup");
                }
            }
        } catch (IOException | RuntimeException e) {
            if (conduit != null) {
                conduit.close();
            }
            socket.close();
            throw e;
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
