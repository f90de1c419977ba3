package dev.shardgate.router.backend;

import dev.shardgate.router.loop.EventLoops;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.PgWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Cancels a backend's running query as libpq does (a CancelRequest over a new connection) and makes
 * sure the cancel ends it: a shard that does not finish the query within {@code cancel_wait_timeout}
 * (hung with SIGSTOP, or a host gone without a FIN) has its connection closed, so the client waiting
 * for the answer gets an error and the pool its slot back.
 */
public final class QueryCancel {
    private static final Logger log = LoggerFactory.getLogger(QueryCancel.class);

    private QueryCancel() {
    }

    /**
     * Sends a cancel for the query running on {@code backend} and watches it: unless the backend
     * sends ReadyForQuery within its cancel_wait_timeout, it is closed with a 57014 reason naming
     * shard, host and {@code cause}.
     *
     * @param stillRunning asked once the timeout has passed: false when the query's caller has
     *     moved on (the backend then belongs to someone else, or sits idle in a transaction)
     */
    public static void cancel(BackendConnection backend, String cause, BooleanSupplier stillRunning) {
        long readyBefore = backend.readyCount();
        Duration wait = backend.cancelWaitTimeout();
        long deadline = System.nanoTime() + wait.toNanos();
        send(backend, wait);
        EventLoops.startVirtual("cancel-watch-" + backend.processId(), () -> {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (backend.readyCount() == readyBefore && !backend.isBroken() && stillRunning.getAsBoolean()) {
                BackendAddress address = backend.address();
                log.warn("event=cancel_unanswered shard={} host={}:{} pid={} cause=\"{}\" cancel_wait_timeout_ms={}",
                        address.shard(), address.host(), address.port(), backend.processId(), cause, wait.toMillis());
                backend.abandon("canceling statement due to " + cause + ": shard \"" + address.shard() + "\" ("
                        + address.host() + ":" + address.port() + ") did not end the query within cancel_wait_timeout ("
                        + wait.toMillis() + " ms); its connection was closed");
            }
        });
    }

    /** Sends a cancel without watching its effect (nothing runs on the backend that must end). */
    public static void send(BackendConnection backend) {
        send(backend, backend.cancelWaitTimeout());
    }

    /** Sends the CancelRequest and waits, at most {@code wait}, for the server to close that connection. */
    private static void send(BackendConnection backend, Duration wait) {
        BackendAddress address = backend.address();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toMillis()));
        try (Socket socket = new Socket()) {
            // name resolution blocks its thread in the kernel: not on an event loop's
            socket.connect(EventLoops.offLoop(() -> new InetSocketAddress(address.host(), address.port())), millis);
            PgWriter writer = new PgWriter(socket.getOutputStream());
            writer.write(new CancelRequest(backend.processId(), backend.secretKey()));
            writer.flush();
            // The server closes the connection when done; waiting for that keeps the cancel ordered
            // before whatever the client sends next.
            socket.setSoTimeout(millis);
            socket.getInputStream().read();
            log.info("event=cancel_forwarded backend={} pid={}", address, backend.processId());
        } catch (IOException e) {
            log.warn("event=cancel_failed backend={} error=\"{}\"", address, e.toString());
        }
    }
}
