package dev.shardgate.qdb;

import com.google.protobuf.ByteString;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.sync.CompareAndSetRequest;
import dev.shardgate.qdb.sync.CoordinatorKeyValuesGrpc;
import dev.shardgate.qdb.sync.Entry;
import dev.shardgate.qdb.sync.KeyRequest;
import dev.shardgate.qdb.sync.PutRequest;
import dev.shardgate.qdb.sync.ScanRequest;
import dev.shardgate.qdb.sync.Value;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The key-value area of a coordinator's QDB, reached over gRPC: what a coordinator-fed router uses
 * for its sequence blocks and commit decisions, so that they are as durable as etcd and shared by
 * all routers. Tries the coordinators in order, starting with the last one that answered; any of
 * them serves, active or standing by, since they share the QDB.
 *
 * <p>A call that fails on the way may still have been applied. That is harmless for put and
 * delete; a compare-and-set that is applied twice answers "not swapped" the second time, so a
 * caller that then reads again wastes at most what it wanted to take.
 */
public final class RemoteKeyValues implements KeyValues, AutoCloseable {
    /** Errors from the coordinator's own QDB carry their SQLSTATE at the start of the description. */
    static final String SQLSTATE_SEPARATOR = ": ";

    private static final long DEADLINE_MILLIS = 5000;

    private final List<SyncEndpoint> coordinators;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final SyncChannels channelFactory;
    private volatile int preferred;

    public RemoteKeyValues(List<SyncEndpoint> coordinators) {
        this(coordinators, SyncChannels.PLAIN);
    }

    /** @param channelFactory plain text or TLS, as grpc_client_tls says */
    public RemoteKeyValues(List<SyncEndpoint> coordinators, SyncChannels channelFactory) {
        this.channelFactory = channelFactory;
        if (coordinators.isEmpty()) {
            throw new IllegalArgumentException("no coordinator address");
        }
        this.coordinators = List.copyOf(coordinators);
        for (SyncEndpoint coordinator : this.coordinators) {
            channels.add(open(coordinator));
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        Value value = call("read key " + key, stub -> stub.get(KeyRequest.newBuilder().setKey(key).build()));
        return value.getPresent() ? Optional.of(value.getValue().toByteArray()) : Optional.empty();
    }

    @Override
    public void put(String key, byte[] value) {
        if (value == null) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "value for key " + key + " must not be null");
        }
        call("store key " + key, stub -> stub.put(PutRequest.newBuilder().setKey(key).setValue(ByteString.copyFrom(value)).build()));
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        CompareAndSetRequest.Builder request = CompareAndSetRequest.newBuilder().setKey(key);
        if (expected != null) {
            request.setHasExpected(true).setExpected(ByteString.copyFrom(expected));
        }
        if (value != null) {
            request.setHasValue(true).setValue(ByteString.copyFrom(value));
        }
        return call("swap key " + key, stub -> stub.compareAndSet(request.build())).getSwapped();
    }

    @Override
    public void delete(String key) {
        call("delete key " + key, stub -> stub.delete(KeyRequest.newBuilder().setKey(key).build()));
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        SortedMap<String, byte[]> found = new TreeMap<>();
        for (Entry entry : call("scan keys " + prefix, stub -> stub.scan(ScanRequest.newBuilder().setPrefix(prefix).build()))
                .getEntriesList()) {
            found.put(entry.getKey(), entry.getValue().toByteArray());
        }
        return found;
    }

    private <T> T call(String doing, Function<CoordinatorKeyValuesGrpc.CoordinatorKeyValuesBlockingStub, T> operation) {
        int first = preferred;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < coordinators.size(); i++) {
            int index = (first + i) % coordinators.size();
            ManagedChannel channel = channel(index);
            try {
                T answer = operation.apply(CoordinatorKeyValuesGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS));
                preferred = index;
                return answer;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                    throw refused(doing, coordinators.get(index), e.getStatus().getDescription());
                }
                if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                    // gRPC would wait out a growing back-off before connecting again; a coordinator
                    // that comes back must answer the next call, not one minutes later
                    replace(index, channel);
                }
                failures.add(coordinators.get(index) + " (" + SyncChannels.describe(e) + ")");
            }
        }
        throw new QdbException(MetadataException.IO_ERROR, "could not " + doing + " in the coordinator's QDB: "
                + String.join(", ", failures), null);
    }

    private synchronized ManagedChannel channel(int index) {
        return channels.get(index);
    }

    private synchronized void replace(int index, ManagedChannel failed) {
        if (channels.get(index) == failed) {
            channels.set(index, open(coordinators.get(index)));
            failed.shutdownNow();
        }
    }

    private ManagedChannel open(SyncEndpoint coordinator) {
        return channelFactory.open(coordinator);
    }

    /** The coordinator answered, but its QDB refused or failed: its SQLSTATE and message. */
    private static QdbException refused(String doing, SyncEndpoint coordinator, String description) {
        String text = description == null ? "" : description;
        int separator = text.indexOf(SQLSTATE_SEPARATOR);
        String sqlState = separator == 5 ? text.substring(0, 5) : MetadataException.IO_ERROR;
        String message = separator == 5 ? text.substring(separator + SQLSTATE_SEPARATOR.length()) : text;
        return new QdbException(sqlState, "could not " + doing + " in the QDB of coordinator " + coordinator + ": "
                + message, null);
    }

    @Override
    public synchronized void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    @Override
    public String toString() {
        return "coordinators " + coordinators;
    }
}
