package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state, its lock and its watchers, shared by the in-memory and the file store. Writers
 * serialize on one lock, build the next state, {@link #persist} it, and only then publish it;
 * readers see the last published state without locking.
 */
abstract sealed class StoredQdb implements Qdb permits MemoryQdb, FileQdb, MirrorQdb {
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private volatile QdbState state;
    private volatile boolean closed;

    StoredQdb(QdbState initial) {
        this.state = initial;
    }

    /** Makes {@code next} durable before it is published; throwing leaves the store unchanged. */
    abstract void persist(QdbState next);

    /** Releases what the store holds beyond memory; called once, by {@link #close()}. */
    void release() {
    }

    @Override
    public Metadata snapshot() {
        return openState().metadata();
    }

    @Override
    public long version() {
        return openState().version();
    }

    @Override
    public Metadata apply(List<? extends MetadataChange> changes) {
        List<MetadataChange> batch = List.copyOf(changes);
        writeLock.lock();
        try {
            QdbState current = openState();
            if (batch.isEmpty()) {
                return current.metadata();
            }
            QdbState next = current.withMetadata(current.metadata().apply(batch));
            persist(next);
            state = next;
            QdbEvent event = new QdbEvent(next.version(), batch, next.metadata());
            watchers.forEach(watcher -> watcher.deliver(event));
            return next.metadata();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Makes {@code metadata} the current state at {@code version}, as produced elsewhere by
     * {@code batch} (empty for a whole snapshot), and tells the watchers: how a mirror takes in
     * its source's state. The key-value area is kept.
     */
    void publish(long version, List<MetadataChange> batch, Metadata metadata) {
        writeLock.lock();
        try {
            QdbState next = new QdbState(version, metadata, openState().kv());
            persist(next);
            state = next;
            QdbEvent event = new QdbEvent(version, batch, metadata);
            watchers.forEach(watcher -> watcher.deliver(event));
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Subscription watch(Consumer<QdbEvent> listener) {
        writeLock.lock();
        try {
            QdbState current = openState();
            Watcher watcher = new Watcher(listener, watchers::remove);
            watcher.deliver(new QdbEvent(current.version(), List.of(), current.metadata()));
            watchers.add(watcher);
            return watcher;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<byte[]> get(String key) {
        return Optional.ofNullable(openState().kv().get(requireKey(key))).map(byte[]::clone);
    }

    @Override
    public void put(String key, byte[] value) {
        if (value == null) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "value for key " + requireKey(key) + " must not be null");
        }
        changeEntry(key, current -> value);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        boolean[] swapped = {false};
        changeEntry(key, current -> {
            swapped[0] = expected == null ? current == null : current != null && Arrays.equals(current, expected);
            return swapped[0] ? value : current;
        });
        return swapped[0];
    }

    @Override
    public void delete(String key) {
        changeEntry(key, current -> null);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        SortedMap<String, byte[]> found = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : openState().kv().tailMap(prefix).entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                break;
            }
            found.put(entry.getKey(), entry.getValue().clone());
        }
        return Collections.unmodifiableSortedMap(found);
    }

    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            new ArrayList<>(watchers).forEach(Watcher::close);
            release();
        } finally {
            writeLock.unlock();
        }
    }

    /** Replaces the entry with what {@code change} returns for its current value (null = absent). */
    private void changeEntry(String key, java.util.function.UnaryOperator<byte[]> change) {
        requireKey(key);
        writeLock.lock();
        try {
            QdbState current = openState();
            byte[] old = current.kv().get(key);
            byte[] replacement = change.apply(old);
            if (replacement == old) {
                return;
            }
            QdbState next = current.withEntry(key, replacement);
            persist(next);
            state = next;
        } finally {
            writeLock.unlock();
        }
    }

    private QdbState openState() {
        if (closed) {
            throw QdbException.closed();
        }
        return state;
    }

    private static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "qdb key must not be empty");
        }
        return key;
    }
}
