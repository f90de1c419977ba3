package dev.shardgate.coordinator.fleet;

import com.google.protobuf.ByteString;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.KeyValues;
import dev.shardgate.qdb.sync.CompareAndSetRequest;
import dev.shardgate.qdb.sync.CoordinatorKeyValuesGrpc;
import dev.shardgate.qdb.sync.Done;
import dev.shardgate.qdb.sync.Entries;
import dev.shardgate.qdb.sync.Entry;
import dev.shardgate.qdb.sync.KeyRequest;
import dev.shardgate.qdb.sync.PutRequest;
import dev.shardgate.qdb.sync.ScanRequest;
import dev.shardgate.qdb.sync.Swapped;
import dev.shardgate.qdb.sync.Value;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Serves the coordinator QDB's key-value area to routers (their sequence blocks and commit
 * decisions). A failure of the QDB itself goes back as FAILED_PRECONDITION whose description starts
 * with its SQLSTATE, so that the router reports the same error.
 */
final class KeyValuesService extends CoordinatorKeyValuesGrpc.CoordinatorKeyValuesImplBase {
    private final KeyValues store;

    KeyValuesService(KeyValues store) {
        this.store = store;
    }

    @Override
    public void get(KeyRequest request, StreamObserver<Value> answer) {
        answer(answer, () -> store.get(request.getKey())
                .map(value -> Value.newBuilder().setPresent(true).setValue(ByteString.copyFrom(value)).build())
                .orElse(Value.getDefaultInstance()));
    }

    @Override
    public void put(PutRequest request, StreamObserver<Done> answer) {
        answer(answer, () -> {
            store.put(request.getKey(), request.getValue().toByteArray());
            return Done.getDefaultInstance();
        });
    }

    @Override
    public void compareAndSet(CompareAndSetRequest request, StreamObserver<Swapped> answer) {
        answer(answer, () -> Swapped.newBuilder().setSwapped(store.compareAndSet(request.getKey(),
                request.getHasExpected() ? request.getExpected().toByteArray() : null,
                request.getHasValue() ? request.getValue().toByteArray() : null)).build());
    }

    @Override
    public void delete(KeyRequest request, StreamObserver<Done> answer) {
        answer(answer, () -> {
            store.delete(request.getKey());
            return Done.getDefaultInstance();
        });
    }

    @Override
    public void scan(ScanRequest request, StreamObserver<Entries> answer) {
        answer(answer, () -> {
            Entries.Builder entries = Entries.newBuilder();
            for (Map.Entry<String, byte[]> entry : store.scan(request.getPrefix()).entrySet()) {
                entries.addEntries(Entry.newBuilder().setKey(entry.getKey()).setValue(ByteString.copyFrom(entry.getValue())));
            }
            return entries.build();
        });
    }

    private static <T> void answer(StreamObserver<T> answer, Supplier<T> operation) {
        T result;
        try {
            result = operation.get();
        } catch (MetadataException e) {
            answer.onError(Status.FAILED_PRECONDITION.withDescription(e.sqlState() + ": " + e.getMessage())
                    .asRuntimeException());
            return;
        }
        answer.onNext(result);
        answer.onCompleted();
    }
}
