package dev.shardgate.router.config;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import jdk.net.ExtendedSocketOptions;

/**
 * How the router's connections to shards (and its clients' sockets) notice a peer that does not
 * answer. Names follow PgBouncer's settings of the same meaning.
 *
 * @param serverConnectTimeout {@code server_connect_timeout}: a new backend connection must be
 *     connected and logged in within this, else the client waiting for it gets 08001 naming shard and
 *     host (a shard stopped with SIGSTOP accepts TCP connections and never answers)
 * @param tcpKeepalive {@code tcp_keepalive}: TCP keepalive on client and backend sockets, so that a
 *     peer that vanished without a FIN is noticed
 * @param tcpKeepIdle {@code tcp_keepidle}: idle time before the first probe (zero: the kernel's)
 * @param tcpKeepInterval {@code tcp_keepintvl}: time between probes (zero: the kernel's)
 * @param tcpKeepCount {@code tcp_keepcnt}: unanswered probes before the connection is dropped (0: the kernel's)
 */
public record ShardLinkSettings(Duration serverConnectTimeout, boolean tcpKeepalive, Duration tcpKeepIdle,
                                Duration tcpKeepInterval, int tcpKeepCount) {
    public static final Duration DEFAULT_SERVER_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Defaults: a dead peer is noticed after about 30 + 3 × 10 s instead of the kernel's two hours. */
    public static final ShardLinkSettings DEFAULTS = new ShardLinkSettings(DEFAULT_SERVER_CONNECT_TIMEOUT, true,
            Duration.ofSeconds(30), Duration.ofSeconds(10), 3);

    public ShardLinkSettings {
        Objects.requireNonNull(serverConnectTimeout, "serverConnectTimeout");
        Objects.requireNonNull(tcpKeepIdle, "tcpKeepIdle");
        Objects.requireNonNull(tcpKeepInterval, "tcpKeepInterval");
    }

    /** Sets TCP keepalive on a client or backend socket as configured. */
    public void applyKeepaliveTo(Socket socket) throws IOException {
        socket.setKeepAlive(tcpKeepalive);
        if (!tcpKeepalive) {
            return;
        }
        if (!tcpKeepIdle.isZero()) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, seconds(tcpKeepIdle));
        }
        if (!tcpKeepInterval.isZero()) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, seconds(tcpKeepInterval));
        }
        if (tcpKeepCount > 0) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, tcpKeepCount);
        }
    }

    /** Whole seconds, at least one: the kernel counts keepalive times in seconds. */
    private static int seconds(Duration duration) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, duration.toSeconds()));
    }
}
