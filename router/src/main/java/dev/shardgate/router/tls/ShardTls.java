package dev.shardgate.router.tls;

import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.config.ConfigException;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.ShardTlsSettings;
import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.TlsConduit;
import dev.shardgate.wire.tls.ClientTls;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * TLS towards shards, per shard as its {@code tls} section says, with libpq's sslmode meanings:
 * the SSLRequest, then the handshake on 'S'. A shard not named in router.yaml (created on the
 * console or pushed by a coordinator) is reached as {@code shard_tls} says.
 */
public final class ShardTls {
    public static final ShardTls NONE = new ShardTls(Map.of(), Optional.empty());
    /** SSLRequest: length 8 and the code 1234 5679 (PostgreSQL's "SSLRequest" message). */
    private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

    /** The shards of router.yaml: empty for those reached in plain text. */
    private final Map<String, Optional<ClientTls>> byShard;
    /** shard_tls: every other shard; empty for plain text. */
    private final Optional<ClientTls> otherShards;

    private ShardTls(Map<String, Optional<ClientTls>> byShard, Optional<ClientTls> otherShards) {
        this.byShard = byShard;
        this.otherShards = otherShards;
    }

    /**
     * @param otherShards shard_tls, for the shards not in {@code shards}
     * @throws ConfigException naming the shard (or shard_tls) whose root certificate or key does not load
     */
    public static ShardTls of(Map<String, ShardConfig> shards, ShardTlsSettings otherShards) {
        Map<String, Optional<ClientTls>> byShard = new HashMap<>();
        shards.forEach((name, shard) -> byShard.put(name, load(shard.tls(), "shards." + name + ".tls")));
        Optional<ClientTls> others = load(otherShards, "shard_tls");
        if (others.isEmpty() && byShard.values().stream().allMatch(Optional::isEmpty)) {
            return NONE;
        }
        return new ShardTls(Map.copyOf(byShard), others);
    }

    private static Optional<ClientTls> load(ShardTlsSettings settings, String key) {
        if (!settings.mode().offersTls()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClientTls.of(settings.mode(), settings.rootCertFile(), settings.certFile(), settings.keyFile()));
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("router.yaml", 0, key, "cannot load: " + e.getMessage(), e);
        }
    }

    /**
     * Asks the shard for TLS when its sslmode says so and returns the conduit to log in over.
     *
     * @throws IOException naming the shard and why: it refused TLS that sslmode requires, or its
     *                     certificate does not verify (the pool then fails with 08001)
     */
    public Conduit secure(BackendAddress address, Conduit raw) throws IOException {
        Optional<ClientTls> chosen = byShard.getOrDefault(address.shard(), otherShards);
        if (chosen.isEmpty()) {
            return raw;
        }
        ClientTls tls = chosen.get();
        OutputStream out = raw.output();
        out.write(SSL_REQUEST);
        out.flush();
        int answer = raw.input().read();
        String mode = "sslmode=" + tls.mode().configName();
        switch (answer) {
            case 'S' -> {
                try {
                    return TlsConduit.over(raw, (in, rawOut) -> tls.connect(address.host(), address.port(), in, rawOut));
                } catch (SSLHandshakeException e) {
                    SSLHandshakeException named = new SSLHandshakeException("TLS handshake with shard " + address
                            + " failed (" + mode + "): " + rootCause(e));
                    named.initCause(e);
                    throw named;
                } catch (SSLException e) {
                    throw new SSLException("TLS with shard " + address + " failed (" + mode + "): " + rootCause(e), e);
                }
            }
            case 'N' -> {
                if (tls.mode().requiresTls()) {
                    throw new IOException("shard " + address + " does not accept TLS (answered N to SSLRequest) but " + mode);
                }
                return raw;
            }
            case -1 -> throw new EOFException("shard " + address + " closed the connection after SSLRequest");
            default -> throw new IOException("shard " + address + " answered SSLRequest with byte " + answer
                    + " instead of S or N");
        }
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = String.valueOf(e.getMessage());
        return cause == e || cause.getMessage() == null || message.contains(cause.getMessage()) ? message
                : message + " (" + cause.getMessage() + ")";
    }
}
