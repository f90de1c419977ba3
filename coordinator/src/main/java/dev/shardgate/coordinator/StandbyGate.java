package dev.shardgate.coordinator;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The QDB as a coordinator's console sees it: reads always, writes only while this coordinator is
 * the active one. A standing-by coordinator refuses them, naming the active one, so that changes
 * reach routers through one coordinator only.
 */
final class StandbyGate implements Qdb {
    /** SQLSTATE read_only_sql_transaction, as a hot standby answers a write. */
    static final String READ_ONLY = "25006";

    private final Qdb qdb;
    private final BooleanSupplier active;
    private final Supplier<String> activeOne;

    StandbyGate(Qdb qdb, BooleanSupplier active, Supplier<String> activeOne) {
        this.qdb = qdb;
        this.active = active;
        this.activeOne = activeOne;
    }

    @Override
    public void checkWritable() {
        checkActive();
    }

    private void checkActive() {
        if (!active.getAsBoolean()) {
            String leader = activeOne.get();
            throw new MetadataException(READ_ONLY, "this coordinator is standing by; "
                    + (leader.isEmpty() ? "no coordinator is active right now, try again in a few seconds"
                            : "the active coordinator's console is at " + leader));
        }
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
        if (!changes.isEmpty()) {
            checkActive();
        }
        return qdb.apply(changes);
    }

    @Override
    public Subscription watch(Consumer<dev.shardgate.qdb.QdbEvent> listener) {
        return qdb.watch(listener);
    }

    @Override
    public Optional<byte[]> get(String key) {
        return qdb.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
        checkActive();
        qdb.put(key, value);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        checkActive();
        return qdb.compareAndSet(key, expected, value);
    }

    @Override
    public void delete(String key) {
        checkActive();
        qdb.delete(key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        return qdb.scan(prefix);
    }

    @Override
    public void close() {
        // The coordinator closes the store itself.
    }
}
