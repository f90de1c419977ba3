package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.MetadataText;
import dev.shardgate.qdb.QdbEvent;
import dev.shardgate.qdb.sync.CoordinatorMetadataGrpc;
import dev.shardgate.qdb.sync.FetchRequest;
import dev.shardgate.qdb.sync.Origin;
import dev.shardgate.qdb.sync.Snapshot;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's gRPC API on grpc_api_port: routers fetch the current metadata here when they
 * start. Standing-by coordinators serve it too; they read the same QDB.
 */
public final class CoordinatorApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorApi.class);

    private final Server server;
    private final ExecutorService executor;

    private CoordinatorApi(Server server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    public static CoordinatorApi start(String host, int port, MetadataFeed feed, Origin origin) throws IOException {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getByName(host), port))
                .executor(executor)
                .addService(new CoordinatorMetadataGrpc.CoordinatorMetadataImplBase() {
                    @Override
                    public void fetch(FetchRequest request, StreamObserver<Snapshot> answer) {
                        QdbEvent latest = feed.latest();
                        log.info("event=metadata_fetched router=\"{}\" version={}", request.getRouterId(), latest.version());
                        answer.onNext(Snapshot.newBuilder()
                                .setOrigin(origin)
                                .setVersion(latest.version())
                                .setMetadataYaml(MetadataText.snapshot(latest.snapshot()))
                                .build());
                        answer.onCompleted();
                    }
                })
                .build();
        try {
            server.start();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IOException("could not listen for routers on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new CoordinatorApi(server, executor);
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
