package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.MetadataText;
import dev.shardgate.qdb.QdbEvent;
import dev.shardgate.qdb.SyncServer;
import dev.shardgate.qdb.sync.CoordinatorMetadataGrpc;
import dev.shardgate.qdb.sync.FetchRequest;
import dev.shardgate.qdb.sync.Origin;
import dev.shardgate.qdb.sync.Snapshot;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's gRPC API on grpc_api_port: routers fetch the current metadata here when they
 * start. Standing-by coordinators serve it too; they read the same QDB.
 */
public final class CoordinatorApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorApi.class);

    private final SyncServer server;

    private CoordinatorApi(SyncServer server) {
        this.server = server;
    }

    public static CoordinatorApi start(String host, int port, MetadataFeed feed, Origin origin) throws IOException {
        return new CoordinatorApi(SyncServer.start(host, port, new CoordinatorMetadataGrpc.CoordinatorMetadataImplBase() {
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
        }, "routers"));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
