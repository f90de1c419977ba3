package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.MetadataText;
import dev.shardgate.qdb.QdbEvent;
import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.qdb.sync.ChangeBatch;
import dev.shardgate.qdb.sync.Origin;
import dev.shardgate.qdb.sync.RouterMetadataGrpc;
import dev.shardgate.qdb.sync.RouterState;
import dev.shardgate.qdb.sync.Snapshot;
import dev.shardgate.qdb.sync.StateRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one router's metadata equal to the coordinator's, on a thread of its own: asks the router
 * what it holds, sends the batches it misses in order (or a snapshot when it holds another store,
 * is too far behind, or refuses a batch), then waits for the next version. It asks again every
 * second even without changes, so a router that restarted empty is filled within a second or so.
 * A router that does not answer is marked down and tried again, each time with a fresh question.
 */
final class RouterLink {
    private static final Logger log = LoggerFactory.getLogger(RouterLink.class);
    static final long CHECK_MILLIS = 1000;
    private static final long CALL_DEADLINE_MILLIS = 5000;

    /** What SHOW routers says about a router. */
    record Status(String text, long version) {
    }

    private final String id;
    private final SyncEndpoint address;
    private final MetadataFeed feed;
    private final Origin origin;
    private final ManagedChannel channel;
    private final Thread thread;
    private final Consumer<RouterLink> onUp;
    private volatile boolean running = true;
    private volatile Status status = new Status("connecting", -1);

    /** @param onUp called on the link's thread each time the router comes up (first sync, after being down) */
    RouterLink(String id, SyncEndpoint address, MetadataFeed feed, Origin origin, SyncChannels channels,
            Consumer<RouterLink> onUp) {
        this.id = id;
        this.onUp = onUp;
        this.address = address;
        this.feed = feed;
        this.origin = origin;
        this.channel = channels.open(address);
        this.thread = Thread.ofVirtual().name("router-link-" + id).start(this::run);
    }

    Status status() {
        return status;
    }

    SyncEndpoint address() {
        return address;
    }

    String id() {
        return id;
    }

    /** The channel to the router, for calls other than metadata (PAUSE, RESUME). */
    ManagedChannel channel() {
        return channel;
    }

    private RouterMetadataGrpc.RouterMetadataBlockingStub stub() {
        return RouterMetadataGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void run() {
        long backoff = 100;
        while (running) {
            try {
                RouterState state = stub().state(StateRequest.newBuilder().setOrigin(origin).build());
                state = bringUpToDate(state);
                if (state.getStoreId().equals(origin.getStoreId())) {
                    boolean cameUp = !status.text().equals("up");
                    if (cameUp) {
                        log.info("event=router_synced router={} address={} version={}", id, address, state.getVersion());
                    }
                    status = new Status("up", state.getVersion());
                    if (cameUp) {
                        onUp.accept(this);
                    }
                    backoff = 100;
                    feed.awaitChange(state.getVersion(), CHECK_MILLIS);
                } else {
                    status = new Status("error (" + state.getReason() + ")", state.getVersion());
                    if (!pause(CHECK_MILLIS)) {
                        return;
                    }
                }
            } catch (StatusRuntimeException e) {
                if (!running) {
                    return;
                }
                String why = SyncChannels.describe(e);
                if (!status.text().startsWith("down")) {
                    log.warn("event=router_unreachable router={} address={} error=\"{}\"", id, address, why);
                }
                status = new Status("down (" + why + ")", status.version());
                if (!pause(backoff)) {
                    return;
                }
                // gRPC would wait up to two minutes before its next connection attempt; a router
                // that restarted must be found within a second.
                channel.resetConnectBackoff();
                backoff = Math.min(backoff * 2, CHECK_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("event=router_sync_failed router={} error=\"{}\"", id, e.toString());
                status = new Status("error (" + e.getMessage() + ")", status.version());
                if (!pause(CHECK_MILLIS)) {
                    return;
                }
            }
        }
    }

    /** Sends what the router lacks; returns its state afterwards. */
    private RouterState bringUpToDate(RouterState state) {
        QdbEvent latest = feed.latest();
        if (state.getStoreId().equals(origin.getStoreId()) && state.getVersion() == latest.version()) {
            return state;
        }
        Optional<List<QdbEvent>> missing = state.getStoreId().equals(origin.getStoreId())
                ? feed.since(state.getVersion())
                : Optional.empty();
        if (missing.isPresent()) {
            for (QdbEvent batch : missing.get()) {
                state = stub().apply(ChangeBatch.newBuilder()
                        .setOrigin(origin)
                        .setVersion(batch.version())
                        .setChangesYaml(MetadataText.changes(batch.changes()))
                        .build());
                if (!state.getApplied()) {
                    log.warn("event=router_refused_batch router={} version={} reason=\"{}\"", id, batch.version(),
                            state.getReason());
                    return install(latest);
                }
            }
            return state;
        }
        return install(latest);
    }

    private RouterState install(QdbEvent latest) {
        status = new Status("syncing", status.version());
        RouterState state = stub().install(Snapshot.newBuilder()
                .setOrigin(origin)
                .setVersion(latest.version())
                .setMetadataYaml(MetadataText.snapshot(latest.snapshot()))
                .build());
        log.info("event=router_snapshot_installed router={} version={} applied={}", id, latest.version(), state.getApplied());
        return state;
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
        channel.shutdownNow();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
