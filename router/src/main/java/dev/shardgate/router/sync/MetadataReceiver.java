package dev.shardgate.router.sync;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.qdb.MetadataText;
import dev.shardgate.qdb.MirrorQdb;
import dev.shardgate.qdb.QdbException;
import dev.shardgate.qdb.sync.ChangeBatch;
import dev.shardgate.qdb.sync.Origin;
import dev.shardgate.qdb.sync.RouterMetadataGrpc;
import dev.shardgate.qdb.sync.RouterState;
import dev.shardgate.qdb.sync.Snapshot;
import dev.shardgate.qdb.sync.StateRequest;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's side of metadata sync: takes the coordinator's batches and snapshots into the
 * router's {@link MirrorQdb}, which swaps them into routing atomically, one batch at a time.
 */
final class MetadataReceiver extends RouterMetadataGrpc.RouterMetadataImplBase {
    private static final Logger log = LoggerFactory.getLogger(MetadataReceiver.class);

    private final MirrorQdb mirror;
    private final java.util.function.LongConsumer beforeAck;

    /**
     * @param beforeAck runs after a batch or snapshot is applied, before the answer that tells the
     *     coordinator this router holds its version: waits until no statement routed with an older
     *     version may still reach a shard (router/session/RoutingFence)
     */
    MetadataReceiver(MirrorQdb mirror, java.util.function.LongConsumer beforeAck) {
        this.mirror = mirror;
        this.beforeAck = beforeAck;
    }

    @Override
    public void state(StateRequest request, StreamObserver<RouterState> answer) {
        noteOrigin(request.getOrigin());
        reply(answer, true, "");
    }

    @Override
    public void apply(ChangeBatch batch, StreamObserver<RouterState> answer) {
        noteOrigin(batch.getOrigin());
        String refused;
        try {
            List<MetadataChange> changes = MetadataText.parseChanges("change batch " + batch.getVersion(),
                    batch.getChangesYaml());
            refused = mirror.follow(batch.getOrigin().getStoreId(), batch.getVersion(), changes);
        } catch (QdbException e) {
            refused = e.getMessage();
        }
        if (refused == null) {
            log.info("event=metadata_applied version={}", batch.getVersion());
            beforeAck.accept(batch.getVersion());
        } else {
            log.info("event=metadata_batch_refused version={} reason=\"{}\"", batch.getVersion(), refused);
        }
        reply(answer, refused == null, refused == null ? "" : refused);
    }

    @Override
    public void install(Snapshot snapshot, StreamObserver<RouterState> answer) {
        noteOrigin(snapshot.getOrigin());
        Metadata metadata;
        try {
            metadata = MetadataText.parseSnapshot("snapshot " + snapshot.getVersion(), snapshot.getMetadataYaml());
        } catch (QdbException e) {
            log.error("event=metadata_snapshot_refused version={} reason=\"{}\"", snapshot.getVersion(), e.getMessage());
            reply(answer, false, e.getMessage());
            return;
        }
        install(mirror, snapshot.getOrigin().getStoreId(), snapshot.getVersion(), metadata);
        beforeAck.accept(snapshot.getVersion());
        reply(answer, true, "");
    }

    static void install(MirrorQdb mirror, String storeId, long version, Metadata metadata) {
        mirror.install(storeId, version, metadata);
        log.info("event=metadata_installed store={} version={} key_ranges={}", storeId, version,
                metadata.keyRanges().size());
    }

    private void noteOrigin(Origin origin) {
        if (!origin.getConsoleAddress().isEmpty()) {
            mirror.coordinatorConsole(origin.getConsoleAddress());
        }
    }

    private void reply(StreamObserver<RouterState> answer, boolean applied, String reason) {
        MirrorQdb.Position position = mirror.position();
        answer.onNext(RouterState.newBuilder()
                .setStoreId(position.storeId())
                .setVersion(position.version())
                .setApplied(applied)
                .setReason(reason)
                .build());
        answer.onCompleted();
    }
}
