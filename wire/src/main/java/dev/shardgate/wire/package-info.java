/**
 * PostgreSQL frontend/backend protocol version 3: one record per message ({@link FrontendMessage},
 * {@link BackendMessage}), one {@link Decoder}, one {@link Encoder}, and framed socket IO
 * ({@link PgReader}, {@link PgWriter}). Knows nothing about sharding.
 *
 * <p>Formats follow PostgreSQL's documentation, chapter "Frontend/Backend Protocol", section
 * "Message Formats". Strings are UTF-8 and NUL-terminated: the proxy requires
 * {@code client_encoding=UTF8} end to end.
 */
package dev.shardgate.wire;
