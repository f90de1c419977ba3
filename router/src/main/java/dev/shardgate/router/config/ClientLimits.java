package dev.shardgate.router.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a client, hostile or broken, may cost the router before and around its login.
 *
 * @param authTimeout {@code auth_timeout}: the whole login (startup packet to the end of the
 *     password exchange) must be done within this, like PostgreSQL's authentication_timeout; a client
 *     sending one byte every few seconds is cut off at it, not kept while it trickles
 * @param maxClients {@code max_clients}: client connections at once; one more is told 53300 "sorry,
 *     too many clients already" (as PostgreSQL beyond max_connections) long before the process runs
 *     out of file descriptors
 * @param authFailureDelay {@code auth_failure_delay}: after a failed login, further logins from the
 *     same client address wait this long each, one after the other, until one succeeds or a minute
 *     passes without failures (like PostgreSQL's auth_delay, but per address); zero turns it off
 * @param connectionRate {@code client_connection_rate}: new connections per second from one client
 *     address (a burst of one second's worth passes); one more is told 53300 at once, before any
 *     login work; zero (the default) admits every connection — a pooler or a benchmark behind one
 *     address (pgbench -C) opens many per second legitimately
 */
public record ClientLimits(Duration authTimeout, int maxClients, Duration authFailureDelay, int connectionRate) {
    public static final ClientLimits DEFAULTS = new ClientLimits(Duration.ofSeconds(60), 5_000, Duration.ofSeconds(1), 0);

    public ClientLimits(Duration authTimeout, int maxClients, Duration authFailureDelay) {
        this(authTimeout, maxClients, authFailureDelay, 0);
    }

    public ClientLimits {
        Objects.requireNonNull(authTimeout, "authTimeout");
        Objects.requireNonNull(authFailureDelay, "authFailureDelay");
    }

    public ClientLimits withAuthTimeout(Duration value) {
        return new ClientLimits(value, maxClients, authFailureDelay, connectionRate);
    }

    public ClientLimits withMaxClients(int value) {
        return new ClientLimits(authTimeout, value, authFailureDelay, connectionRate);
    }

    public ClientLimits withAuthFailureDelay(Duration value) {
        return new ClientLimits(authTimeout, maxClients, value, connectionRate);
    }

    public ClientLimits withConnectionRate(int perSecond) {
        return new ClientLimits(authTimeout, maxClients, authFailureDelay, perSecond);
    }
}
