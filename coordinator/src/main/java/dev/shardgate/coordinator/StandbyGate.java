package dev.shardgate.coordinator;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.ForwardingQdb;
import dev.shardgate.qdb.Qdb;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The QDB as a coordinator's console sees it: reads always, writes only while this coordinator is
 * the active one. A standing-by coordinator refuses them, naming the active one, so that changes
 * reach routers through one coordinator only.
 */
final class StandbyGate extends ForwardingQdb {
    /** SQLSTATE read_only_sql_transaction, as a hot standby answers a write. */
    static final String READ_ONLY = "25006";

    private final BooleanSupplier active;
    private final Supplier<String> activeOne;

    StandbyGate(Qdb qdb, BooleanSupplier active, Supplier<String> activeOne) {
        super(qdb);
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
    public Metadata apply(List<? extends MetadataChange> changes) {
        if (!changes.isEmpty()) {
            checkActive();
        }
        return qdb.apply(changes);
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
}
