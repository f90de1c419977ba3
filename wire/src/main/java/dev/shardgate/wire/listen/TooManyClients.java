package dev.shardgate.wire.listen;

import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.GssEncRequest;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Protocol;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.SslRequest;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Turns away a client beyond the connection limit as PostgreSQL does: it reads the startup packet
 * (answering an SSLRequest or GSSENCRequest with 'N' first), then sends FATAL 53300 "sorry, too many
 * clients already" and closes. Reading first matters: a client whose startup packet arrives at a
 * socket already closed gets a reset, and may never see the error. A refusal gets one second; at
 * most {@value #MAX_IN_PROGRESS} run at once, and beyond that a connection is closed without a word,
 * so that a flood costs a bounded number of descriptors.
 */
public final class TooManyClients {
    static final int MAX_IN_PROGRESS = 64;
    private static final int READ_TIMEOUT_MILLIS = 1000;
    private static final AtomicInteger IN_PROGRESS = new AtomicInteger();

    private TooManyClients() {
    }

    /**
     * Refuses {@code client} on a thread of its own and closes it. A CancelRequest is still
     * passed to {@code cancels}, as PostgreSQL serves cancels when full: they are what frees a slot.
     */
    public static void refuse(Socket client, Consumer<CancelRequest> cancels) {
        refuse(client, cancels, "sorry, too many clients already");
    }

    /** Like {@link #refuse(Socket, Consumer)}, with 53300 and {@code refusal} as its message. */
    public static void refuse(Socket client, Consumer<CancelRequest> cancels, String refusal) {
        if (IN_PROGRESS.incrementAndGet() > MAX_IN_PROGRESS) {
            IN_PROGRESS.decrementAndGet();
            closeQuietly(client);
            return;
        }
        try {
            // A platform thread: a refusal must not wait for a virtual-thread carrier, which the full
            // router's other threads may hold (a suite run once saw every refusal of a full router
            // silent for 10 s, its accept loop answering one client per client's time-out).
            Thread.ofPlatform().daemon(true).name("refuse-" + client.getPort()).start(() -> {
                try {
                    answer(client, cancels, refusal);
                } finally {
                    IN_PROGRESS.decrementAndGet();
                    closeQuietly(client);
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            IN_PROGRESS.decrementAndGet();
            closeQuietly(client);
        }
    }

    private static void answer(Socket client, Consumer<CancelRequest> cancels, String refusal) {
        try {
            client.setSoTimeout(READ_TIMEOUT_MILLIS);
            PgReader in = new PgReader(client.getInputStream(), Protocol.MAX_LOGIN_MESSAGE_LENGTH, 1024);
            PgWriter out = new PgWriter(client.getOutputStream(), 1024);
            for (int packets = 0; packets < 3; packets++) {
                FrontendMessage message = in.readStartupPacket();
                if (message instanceof CancelRequest cancel) {
                    cancels.accept(cancel);
                    return;
                }
                if (!(message instanceof SslRequest || message instanceof GssEncRequest)) {
                    break;
                }
                out.writeRawBytes(new byte[] {'N'}, 0, 1);
                out.flush();
            }
            out.write(ErrorResponse.fatal(new PgException(SqlState.TOO_MANY_CONNECTIONS, refusal)));
            out.flush();
        } catch (IOException | RuntimeException ignored) {
            // a client that sends no startup packet in time or a broken one is closed all the same
        }
    }

    private static void closeQuietly(Socket client) {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing left to tell the client
        }
    }
}
