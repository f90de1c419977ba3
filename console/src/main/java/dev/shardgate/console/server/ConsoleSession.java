package dev.shardgate.console.server;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyFail;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.EmptyQueryResponse;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.FunctionCall;
import dev.shardgate.wire.GssEncRequest;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.PasswordMessage;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Protocol;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.SslRequest;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.Sync;
import dev.shardgate.wire.Terminate;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import dev.shardgate.wire.auth.FailedLogins;
import dev.shardgate.wire.auth.LoginDeadline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One console client, from the startup packet to Terminate, on its own thread. Errors in a
 * statement are ErrorResponses and the session goes on; protocol violations end it with a FATAL
 * error, as in PostgreSQL.
 */
final class ConsoleSession {
    private static final Logger log = LoggerFactory.getLogger(ConsoleSession.class);
    /** Console queries are short; this only bounds what a broken client can make us buffer. */
    private static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;

    private final Socket socket;
    private final ConsoleAccess access;
    private final ConsoleExecutor executor;
    private final ConsoleTls.Gate tls;
    private final ConsoleServer.Limits limits;
    private final FailedLogins failedLogins;
    /** What TLS a handed-off client needs; null for the console port's own clients, whose {@link #tls} gate knows. */
    private final ConsoleTls handOffTls;

    ConsoleSession(Socket socket, ConsoleAccess access, ConsoleExecutor executor, ConsoleTls tls, ConsoleServer.Limits limits,
                   FailedLogins failedLogins) {
        this.tls = new ConsoleTls.Gate(tls, socket);
        this.handOffTls = null;
        this.socket = socket;
        this.access = access;
        this.executor = executor;
        this.limits = limits;
        this.failedLogins = failedLogins;
    }

    /** A console client of another listener (see {@link HandedOffClient}), from its login to Terminate. */
    ConsoleSession(ConsoleAccess access, ConsoleExecutor executor, ConsoleTls tls, ConsoleServer.Limits limits,
                   FailedLogins failedLogins) {
        this.tls = null;
        this.socket = null;
        this.access = access;
        this.executor = executor;
        this.limits = limits;
        this.failedLogins = failedLogins;
        this.handOffTls = tls;
    }

    void run(HandedOffClient client) {
        try {
            ConsoleLogin.Login login = LoginDeadline.within(limits.authTimeout(), client.cutOff(),
                    () -> ConsoleLogin.afterStartup(client.startup(), client.in(), client.out(), access,
                            handOffTls, client.secured(), client.address(), failedLogins, limits.authTimeout()));
            client.in().liftMessageLengthLimit();
            log.info("event=console_login client={} user={} database={} port=router", client.client(), login.user(),
                    login.database());
            serve(client.in(), client.out());
        } catch (PgException e) {
            sendFatal(client.out(), e, client.client());
        } catch (EOFException | SocketException e) {
            log.debug("event=console_disconnected client={} reason=\"{}\"", client.client(), e.getMessage());
        } catch (IOException e) {
            log.warn("event=console_io_error client={} error=\"{}\"", client.client(), e.toString());
        }
    }

    void run() {
        String client = socket.getRemoteSocketAddress().toString();
        // The socket is closed by the caller, after the FATAL error below has been sent.
        PgWriter out = null;
        try {
            PgReader in = new PgReader(socket.getInputStream(), MAX_MESSAGE_LENGTH);
            out = new PgWriter(socket.getOutputStream());
            var login = login(in, out);
            if (login.isEmpty()) {
                return;
            }
            log.info("event=console_login client={} user={} database={}", client, login.get().user(), login.get().database());
            serve(in, out);
        } catch (PgException e) {
            sendFatal(out, e, client);
        } catch (EOFException | SocketException e) {
            log.debug("event=console_disconnected client={} reason=\"{}\"", client, e.getMessage());
        } catch (IOException e) {
            log.warn("event=console_io_error client={} error=\"{}\"", client, e.toString());
        } finally {
            tls.close();
        }
    }

    /** The login within auth_timeout, as a whole (not per read), and with messages no longer than a login needs. */
    private Optional<ConsoleLogin.Login> login(PgReader in, PgWriter out) throws IOException {
        in.limitMessageLength(Protocol.MAX_LOGIN_MESSAGE_LENGTH);
        Optional<ConsoleLogin.Login> login = LoginDeadline.within(limits.authTimeout(), socket::shutdownInput,
                () -> ConsoleLogin.perform(in, out, access, tls, socket.getInetAddress(), failedLogins, limits.authTimeout()));
        in.liftMessageLengthLimit();
        return login;
    }


    private void serve(PgReader in, PgWriter out) throws IOException {
        ExtendedQuery extended = new ExtendedQuery(executor, out);
        // After an error in an extended-query batch, PostgreSQL skips messages up to the next Sync.
        boolean skippingToSync = false;
        while (true) {
            if (in.next() < 0) {
                return;
            }
            FrontendMessage message = in.frontend();
            if (skippingToSync && !(message instanceof Sync) && !(message instanceof Terminate)) {
                continue;
            }
            try {
                switch (message) {
                    case Query query -> {
                        simpleQuery(readable(query.text(), query.sql()), out);
                        out.write(ReadyForQuery.IDLE);
                        out.flush();
                    }
                    case Parse parse -> extended.parse(parse);
                    case Bind bind -> extended.bind(bind);
                    case Describe describe -> extended.describe(describe);
                    case Execute execute -> extended.execute(execute);
                    case Close close -> extended.close(close);
                    case Sync _ -> {
                        boolean succeeded = !skippingToSync;
                        skippingToSync = false;
                        try {
                            extended.sync(succeeded);
                        } catch (PgException e) {
                            out.write(ErrorResponse.of(e));
                        }
                        out.write(ReadyForQuery.IDLE);
                        out.flush();
                    }
                    case Flush _ -> out.flush();
                    case Terminate _ -> {
                        return;
                    }
                    // PostgreSQL ignores COPY messages outside a COPY, so that a client ending one late is harmless.
                    case CopyData _, CopyDone _, CopyFail _ -> { }
                    case FunctionCall _ -> {
                        out.write(ErrorResponse.of(new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                                "function calls are not supported by the console")));
                        out.write(ReadyForQuery.IDLE);
                        out.flush();
                    }
                    case PasswordMessage _, StartupMessage _, SslRequest _, GssEncRequest _, CancelRequest _ ->
                            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                                    "unexpected message type " + Protocol.describeType(in.type()) + " after startup");
                }
            } catch (PgException e) {
                if (isOutOfPlace(message)) {
                    throw e;
                }
                // A statement's error, even a 08P01 one such as a Bind with the wrong parameter count,
                // is an ERROR: the session survives it, as in PostgreSQL.
                out.write(ErrorResponse.of(e));
                skippingToSync = true;
            } catch (RuntimeException e) {
                log.warn("event=console_internal_error error=\"{}\"", e.toString(), e);
                out.write(ErrorResponse.of(new PgException(SqlState.INTERNAL_ERROR, "internal error: " + e)));
                skippingToSync = true;
            }
        }
    }

    /** Messages that belong to the startup phase: after it, they mean the client is lost and the session ends. */
    private static boolean isOutOfPlace(FrontendMessage message) {
        return message instanceof PasswordMessage || message instanceof StartupMessage || message instanceof SslRequest
                || message instanceof GssEncRequest || message instanceof CancelRequest;
    }

    /** A simple Query is never part of an extended batch: its errors are followed by ReadyForQuery, not a skip. */
    private void simpleQuery(String sql, PgWriter out) throws IOException {
        List<ConsoleResult> results;
        try {
            results = executor.execute(sql);
        } catch (PgException e) {
            out.write(ErrorResponse.of(e));
            return;
        } catch (RuntimeException e) {
            log.warn("event=console_internal_error error=\"{}\"", e.toString(), e);
            out.write(ErrorResponse.of(new PgException(SqlState.INTERNAL_ERROR, "internal error: " + e)));
            return;
        }
        if (results.isEmpty()) {
            out.write(EmptyQueryResponse.INSTANCE);
        }
        for (ConsoleResult result : results) {
            ResultWriter.write(result, out);
        }
    }

    private static void sendFatal(PgWriter out, PgException e, String client) {
        log.info("event=console_session_ended client={} sqlstate={} error=\"{}\"", client, e.sqlState().code(), e.getMessage());
        if (out == null) {
            return;
        }
        try {
            out.write(ErrorResponse.fatal(e));
            out.flush();
        } catch (IOException ignored) {
            // The client is gone; there is nobody left to tell.
        }
    }

    /**
     * The console reads its statements as UTF-8 whatever client_encoding the client announced (its
     * commands and object names are ASCII in practice); invalid UTF-8 gets PostgreSQL's 22021.
     */
    static String readable(byte[] text, String sql) {
        if (sql == null) {
            throw dev.shardgate.wire.ClientEncoding.UTF8.unreadable(text, "UTF8");
        }
        return sql;
    }
}
