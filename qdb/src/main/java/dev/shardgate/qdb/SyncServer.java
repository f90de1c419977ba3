package dev.shardgate.qdb;

import io.grpc.BindableService;
import io.grpc.Server;
import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.tls.TlsContexts;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A gRPC server of the metadata sync API (either side's), each call on a virtual thread. */
public final class SyncServer implements AutoCloseable {
    private final Server server;
    private final ExecutorService executor;

    private SyncServer(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Plain text: {@link #start(String, int, String, GrpcServerTls, BindableService...)} without TLS. */
    public static SyncServer start(String host, int port, String forWhom, BindableService... services) throws IOException {
        return start(host, port, forWhom, GrpcServerTls.DISABLED, services);
    }

    /**
     * Binds host:port (0 picks a free port) and serves the services, over TLS unless its mode is
     * disabled; with mutual TLS a caller whose certificate does not verify gets UNAUTHENTICATED.
     *
     * @param forWhom completes "could not listen for ..." in the error
     * @throws dev.shardgate.qdb.tls.TlsConfigException when a certificate or key file cannot be used
     */
    public static SyncServer start(String host, int port, String forWhom, GrpcServerTls tls, BindableService... services)
            throws IOException {
        var secured = TlsContexts.server(tls, forWhom);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getByName(host), port))
                .executor(executor);
        secured.ifPresent(server -> {
            builder.sslContext(server.context());
            server.gate().ifPresent(gate -> builder.addTransportFilter(gate).intercept(gate));
        });
        for (BindableService service : services) {
            builder.addService(service);
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IOException("could not listen for " + forWhom + " on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new SyncServer(server, executor);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}
