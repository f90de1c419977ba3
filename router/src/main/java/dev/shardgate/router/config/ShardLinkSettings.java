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
 * @param queryTimeout {@code query_timeout}: a shard that sends nothing for this long while the router
 *     waits for its answer gets a cancel request (zero: no limit). Counted from the shard's last
 *     message, so a query streaming rows is never cut off; a COPY FROM STDIN is exempt (the shard
 *     waits for the client there)
 * @param cancelWaitTimeout {@code cancel_wait_timeout}: after a cancel request (the client's or the
 *     query_timeout's) the shard must end the query within this, else its connection is closed, the
 *     client gets 57014 naming shard and host, and the pool slot is freed
 */
public record ShardLinkSettings(Duration serverConnectTimeout, boolean tcpKeepalive, Duration tcpKeepIdle,
                                Duration tcpKeepInterval, int tcpKeepCount, Duration queryTimeout,
                                Duration cancelWaitTimeout) {
    public static final Duration DEFAULT_SERVER_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Defaults: a dead peer is noticed after about 30 + 3 × 10 s instead of the kernel's two hours; no
     * limit on a query (as PgBouncer's query_timeout); a cancelled query gets 10 s to end.
     */
    public static final ShardLinkSettings DEFAULTS = new ShardLinkSettings(DEFAULT_SERVER_CONNECT_TIMEOUT, true,
            Duration.ofSeconds(30), Duration.ofSeconds(10), 3, Duration.ZERO, Duration.ofSeconds(10));

    public ShardLinkSettings {
        Objects.requireNonNull(serverConnectTimeout, "serverConnectTimeout");
        Objects.requireNonNull(tcpKeepIdle, "tcpKeepIdle");
        Objects.requireNonNull(tcpKeepInterval, "tcpKeepInterval");
        Objects.requireNonNull(queryTimeout, "queryTimeout");
        Objects.requireNonNull(cancelWaitTimeout, "cancelWaitTimeout");
    }

    /** These settings with another query_timeout and cancel_wait_timeout. */
    public ShardLinkSettings withQueryTimeouts(Duration query, Duration cancelWait) {
        return new ShardLinkSettings(serverConnectTimeout, tcpKeepalive, tcpKeepIdle, tcpKeepInterval, tcpKeepCount,
                query, cancelWait);
    }

    /** The read timeout of a backend socket after login, in milliseconds (0: none). */
    public int backendReadTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, queryTimeout.toMillis());
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
