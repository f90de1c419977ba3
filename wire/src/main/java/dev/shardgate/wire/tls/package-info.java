/**
 * TLS for every PostgreSQL link, on the JDK's SSLEngine over plain blocking streams: the router's
 * and console's listeners ({@link dev.shardgate.wire.tls.ServerTls}, reloading its PEM files when
 * they change) and the router's connections to shards ({@link dev.shardgate.wire.tls.ClientTls},
 * libpq's sslmode). No socket is touched here: the caller does the SSLRequest exchange and hands
 * over the socket's streams.
 */
package dev.shardgate.wire.tls;
