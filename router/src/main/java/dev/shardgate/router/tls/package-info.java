/**
 * TLS as the router uses it: towards clients ({@link dev.shardgate.router.tls.ClientTlsGate}, one
 * per connection, over the router-wide {@link dev.shardgate.wire.tls.FrontendTls}) and towards
 * shards ({@link dev.shardgate.router.tls.ShardTls}). The engine itself is wire's
 * {@code dev.shardgate.wire.tls}, shared with the console; the secured socket is a
 * {@link dev.shardgate.router.loop.TlsConduit}, so both I/O models carry it.
 */
package dev.shardgate.router.tls;
