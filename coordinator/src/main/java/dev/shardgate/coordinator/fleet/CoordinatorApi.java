package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.KeyValues;
import dev.shardgate.qdb.MetadataText;
import dev.shardgate.qdb.QdbEvent;
import dev.shardgate.qdb.SyncServer;
import dev.shardgate.qdb.tls.GrpcServerTls;
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
 * start, and keep their sequence blocks and commit decisions in the QDB's key-value area through it.
 * Standing-by coordinators serve it too; they use the same QDB.
 */
public final class CoordinatorApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorApi.class);

    private final SyncServer server;

    private CoordinatorApi(SyncServer server) {
        this.server = server;
    }

    /** @param tls grpc_server_tls: with mutual TLS only routers with a trusted certificate are served */
    public static CoordinatorApi start(String host, int port, GrpcServerTls tls, MetadataFeed feed, Origin origin,
                                       KeyValues keyValues) throws IOException {
        return new CoordinatorApi(SyncServer.start(host, port, "routers", tls, new CoordinatorMetadataGrpc.CoordinatorMetadataImplBase() {
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
        }, new KeyValuesService(keyValues)));
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
