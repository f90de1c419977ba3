package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.loop.EventLoops;
import dev.shardgate.wire.CancelRequest;
import dev.shardgate.wire.PgWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Sends a CancelRequest for a backend's running query over a new connection, as libpq does. */
final class CancelForwarder {
    private static final Logger log = LoggerFactory.getLogger(CancelForwarder.class);

    private CancelForwarder() {
    }

    static void forward(BackendConnection backend) {
        BackendAddress address = backend.address();
        try (Socket socket = new Socket()) {
            // name resolution blocks its thread in the kernel: not on an event loop's
            socket.connect(EventLoops.offLoop(() -> new InetSocketAddress(address.host(), address.port())), 5_000);
            PgWriter writer = new PgWriter(socket.getOutputStream());
            writer.write(new CancelRequest(backend.processId(), backend.secretKey()));
            writer.flush();
            // The server closes the connection when done; waiting for that keeps the cancel ordered
            // before whatever the client sends next.
            socket.setSoTimeout(5_000);
            socket.getInputStream().read();
            log.info("event=cancel_forwarded backend={} pid={}", address, backend.processId());
        } catch (IOException e) {
            log.warn("event=cancel_failed backend={} error=\"{}\"", address, e.toString());
        }
    }
}
