/**
 * TLS on the links between coordinators, routers and etcd: what operators configure (records of
 * PEM file paths, checked once at start), the Netty {@code SslContext}s built from them, and the
 * checks that refuse a peer whose certificate does not verify, with one log line naming the peer.
 */
package dev.shardgate.qdb.tls;
