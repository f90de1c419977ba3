package dev.shardgate.qdb;

import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.tls.EtcdTls;
import dev.shardgate.qdb.tls.TlsContexts;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.security.cert.CertificateException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * The etcd cluster as a store talks to it: every request has a deadline, and every failure becomes
 * a {@link QdbException} naming the endpoints.
 *
 * <p>The deadline goes into the gRPC call itself, not only into waiting for its answer, so that a
 * request given up on is cancelled rather than sent when etcd is reachable again: a change reported
 * as failed must not show up minutes later.
 */
final class EtcdCluster implements AutoCloseable {
    private final List<URI> uris;
    private final String endpoints;
    private final Duration timeout;
    private final SslContext tls;
    private final AtomicReference<Client> client;
    private boolean closed;

    private EtcdCluster(List<URI> uris, Duration timeout, SslContext tls) {
        this.uris = uris;
        this.endpoints = String.join(",", uris.stream().map(URI::toString).toList());
        this.timeout = timeout;
        this.tls = tls;
        this.client = new AtomicReference<>(newClient());
    }

    /**
     * @param endpoints {@code http://host:port} or {@code host:port}
     * @throws QdbException (22023) for an empty list or an endpoint that is no URL
     */
    static EtcdCluster connect(List<String> endpoints, Duration timeout) {
        return connect(endpoints, timeout, EtcdTls.DISABLED);
    }

    /**
     * @param endpoints {@code https://host:port} or {@code host:port} with TLS
     * @throws QdbException (22023) for an empty list or an endpoint that is no URL
     * @throws dev.shardgate.qdb.tls.TlsConfigException when a certificate or key file cannot be used
     */
    static EtcdCluster connect(List<String> endpoints, Duration timeout, EtcdTls tls) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new QdbException(MetadataException.INVALID_PARAMETER_VALUE, "etcd needs at least one endpoint", null);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new QdbException(MetadataException.INVALID_PARAMETER_VALUE, "etcd timeout must be positive, not " + timeout, null);
        }
        SslContext context = TlsContexts.etcd(tls).orElse(null);
        String scheme = context == null ? "http://" : "https://";
        return new EtcdCluster(endpoints.stream().map(endpoint -> uri(endpoint, scheme)).toList(), timeout, context);
    }

    private Client newClient() {
        var builder = Client.builder();
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder
                .endpoints(uris)
                .interceptor(new Deadline(timeout))
                .connectTimeout(timeout)
                // Whatever jetcd retries must fit in the time the caller waits.
                .retryMaxDuration(timeout)
                .build();
    }

    /**
     * Replaces the client by a new one, whose connection attempts start again without delay. gRPC
     * waits longer and longer between attempts to reach an unreachable server (up to two minutes),
     * so after a long outage a store would notice etcd's return that much later; calls in flight
     * on the old client fail.
     */
    synchronized void reconnect() {
        if (!closed) {
            client.getAndSet(newClient()).close();
        }
    }

    private static URI uri(String endpoint, String defaultScheme) {
        String text = endpoint == null ? "" : endpoint.strip();
        try {
            URI uri = URI.create(text.contains("://") ? text : defaultScheme + text);
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("no host:port");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new QdbException(MetadataException.INVALID_PARAMETER_VALUE,
                    "invalid etcd endpoint \"" + endpoint + "\": expected http://host:port", e);
        }
    }

    KV kv() {
        return client.get().getKVClient();
    }

    io.etcd.jetcd.Lease lease() {
        return client.get().getLeaseClient();
    }

    Watch watch() {
        return client.get().getWatchClient();
    }

    /** The endpoints as given to the client, comma-separated, for messages and logs. */
    String endpoints() {
        return endpoints;
    }

    /**
     * The answer to {@code call}, waiting no longer than the timeout.
     *
     * @param doing what the call does, completing "could not ..."
     * @throws QdbException (58030) when etcd did not answer in time or answered with an error
     */
    <T> T await(CompletableFuture<T> call, String doing) {
        try {
            // The call's own deadline ends it first; the margin only covers a lost cancellation.
            return call.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw failure(doing, noAnswer(), e);
        } catch (ExecutionException e) {
            throw failure(doing, describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw failure(doing, "interrupted", e);
        }
    }

    /**
     * 58030 like a file store's I/O errors, not class 08: drivers and pools (pgjdbc, HikariCP) take
     * an 08 SQLSTATE to mean their own connection to us is broken and drop it.
     */
    QdbException failure(String doing, String why, Throwable cause) {
        return new QdbException(MetadataException.IO_ERROR, "could not " + doing + " at etcd " + endpoints + ": " + why, cause);
    }

    private String describe(Throwable cause) {
        Status.Code code = cause instanceof EtcdException etcd
                ? Status.Code.valueOf(etcd.getErrorCode().name())
                : Status.fromThrowable(cause).getCode();
        return switch (code) {
            case DEADLINE_EXCEEDED -> noAnswer();
            case UNAVAILABLE -> "etcd is unavailable (" + tlsFailure(cause).orElse(cause.getMessage()) + ")";
            default -> String.valueOf(cause.getMessage());
        };
    }

    /**
     * A refused certificate, ours or etcd's, which gRPC reports as "io exception" with the TLS
     * failure as a cause: the operator needs the cause. Ours says most (it names the file).
     */
    private static Optional<String> tlsFailure(Throwable failure) {
        Throwable ssl = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CertificateException && cause.getMessage() != null) {
                return Optional.of("TLS: " + oneLine(cause.getMessage()));
            }
            if (ssl == null && cause instanceof SSLException && cause.getMessage() != null) {
                ssl = cause;
            }
        }
        return Optional.ofNullable(ssl).map(cause -> "TLS: " + oneLine(cause.getMessage()));
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /**
     * jetcd retries a failed TLS handshake until the deadline, so over TLS a certificate refused
     * by either side ends as no answer: say where the reason is.
     */
    private String noAnswer() {
        return "no answer within " + seconds() + (tls == null ? "" : " (over TLS: a certificate refused by"
                + " either side also ends so; see this process's event=tls_peer_refused lines and etcd's log)");
    }

    private String seconds() {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            client.get().close();
        }
    }

    /** Puts the timeout on single requests; watch streams live as long as they are wanted. */
    private record Deadline(Duration timeout) implements ClientInterceptor {
        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return next.newCall(method, method.getType() == MethodDescriptor.MethodType.UNARY
                    ? options.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    : options);
        }
    }
}
