package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * A view of another QDB that passes every call on; subclasses override the calls they check first.
 * Closing the view leaves the QDB open: its owner closes it.
 */
public abstract class ForwardingQdb implements Qdb {
    protected final Qdb qdb;

    protected ForwardingQdb(Qdb qdb) {
        this.qdb = qdb;
    }

    @Override
    public Metadata snapshot() {
        return qdb.snapshot();
    }

    @Override
    public long version() {
        return qdb.version();
    }

    @Override
    public Metadata apply(List<? extends MetadataChange> changes) {
        return qdb.apply(changes);
    }

    @Override
    public void checkWritable() {
        qdb.checkWritable();
    }

    @Override
    public Subscription watch(Consumer<QdbEvent> listener) {
        return qdb.watch(listener);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return qdb.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
        qdb.put(key, value);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        return qdb.compareAndSet(key, expected, value);
    }

    @Override
    public void delete(String key) {
        qdb.delete(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        return qdb.scan(prefix);
    }

    @Override
    public void close() {
        // the owner of the QDB closes it
    }
}
