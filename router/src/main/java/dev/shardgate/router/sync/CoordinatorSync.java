package dev.shardgate.router.sync;

import dev.shardgate.meta.Metadata;
import dev.shardgate.qdb.MetadataText;
import dev.shardgate.qdb.MirrorQdb;
import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.qdb.SyncServer;
import dev.shardgate.qdb.sync.CoordinatorMetadataGrpc;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.qdb.sync.FetchRequest;
import dev.shardgate.qdb.sync.Snapshot;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A router's link to its coordinator: serves the router's metadata sync API on grpc_api_port,
 * where the active coordinator pushes every change, and at start fetches the current snapshot from
 * coordinator_address (when configured) so that the router routes from its first client on. Until
 * one of the two has happened the router holds no metadata.
 */
public final class CoordinatorSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorSync.class);
    private static final long FETCH_DEADLINE_MILLIS = 3000;

    private final SyncServer server;
    private final Thread fetcher;

    private CoordinatorSync(SyncServer server, Thread fetcher) {
        this.server = server;
        this.fetcher = fetcher;
    }

    /**
     * Binds host:port (0 picks a free port), then tries each coordinator address once, waiting
     * for the first answer; while none has answered and no coordinator has pushed, it keeps
     * trying every second in the background.
     *
     * @param traffic serves the coordinator's PAUSE and RESUME
     * @param beforeAck runs once a pushed version is applied, before the router acknowledges it
     * @param whenFed runs once the mirror holds metadata from a coordinator address: before this
     *     returns when the first fetch succeeds, else on the background fetcher when one arrives
     */
    public static CoordinatorSync start(String host, int port, GrpcTls tls, MirrorQdb mirror, String coordinatorAddress,
                                        String routerId, Runnable whenFed, TrafficReceiver traffic,
                                        java.util.function.LongConsumer beforeAck) throws IOException {
        SyncChannels channels = new SyncChannels(tls.client());
        SyncServer server = SyncServer.start(host, port, "the coordinator", tls.server(), new MetadataReceiver(mirror, beforeAck), traffic);
        List<SyncEndpoint> coordinators = SyncEndpoint.parseList(coordinatorAddress);
        Thread fetcher = null;
        if (!coordinators.isEmpty()) {
            if (fetchOnce(channels, coordinators, mirror, routerId)) {
                whenFed.run();
            } else {
                fetcher = Thread.ofVirtual().name("metadata-fetch").start(() -> {
                    if (keepFetching(channels, coordinators, mirror, routerId)) {
                        whenFed.run();
                    }
                });
            }
        }
        log.info("event=coordinator_sync_listening host={} grpc_api_port={} grpc_server_tls={} grpc_client_tls={}"
                + " coordinators={}", host, server.port(), tls.server().mode().configName(),
                tls.client().mode().configName(), coordinators);
        return new CoordinatorSync(server, fetcher);
    }

    public int port() {
        return server.port();
    }

    /** False when interrupted (closing) before the mirror held metadata. */
    private static boolean keepFetching(SyncChannels channels, List<SyncEndpoint> coordinators, MirrorQdb mirror,
                                        String routerId) {
        try {
            while (mirror.position().storeId().isEmpty() && !fetchOnce(channels, coordinators, mirror, routerId)) {
                Thread.sleep(1000);
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** True once the mirror holds a snapshot, fetched now or pushed meanwhile. */
    private static boolean fetchOnce(SyncChannels channels, List<SyncEndpoint> coordinators, MirrorQdb mirror,
                                     String routerId) {
        for (SyncEndpoint coordinator : coordinators) {
            ManagedChannel channel = null;
            try {
                // Inside the try: with TLS, opening reads the client certificate, which may have gone.
                channel = channels.open(coordinator);
                Snapshot snapshot = CoordinatorMetadataGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(FETCH_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                        .fetch(FetchRequest.newBuilder().setRouterId(routerId).build());
                Metadata metadata = MetadataText.parseSnapshot("snapshot from " + coordinator, snapshot.getMetadataYaml());
                synchronized (mirror) {
                    // A push may have brought something newer from the same store meanwhile.
                    MirrorQdb.Position now = mirror.position();
                    if (now.storeId().equals(snapshot.getOrigin().getStoreId()) && now.version() >= snapshot.getVersion()) {
                        return true;
                    }
                    mirror.coordinatorConsole(snapshot.getOrigin().getConsoleAddress());
                    MetadataReceiver.install(mirror, snapshot.getOrigin().getStoreId(), snapshot.getVersion(), metadata);
                }
                return true;
            } catch (StatusRuntimeException e) {
                log.warn("event=metadata_fetch_failed coordinator={} error=\"{}\"", coordinator, SyncChannels.describe(e));
            } catch (RuntimeException e) {
                log.warn("event=metadata_fetch_failed coordinator={} error=\"{}\"", coordinator, e.getMessage());
            } finally {
                if (channel != null) {
                    channel.shutdownNow();
                }
            }
        }
        return !mirror.position().storeId().isEmpty();
    }

    @Override
    public void close() {
        if (fetcher != null) {
            fetcher.interrupt();
        }
        server.close();
    }
}
