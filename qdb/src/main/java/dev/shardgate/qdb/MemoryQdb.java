package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import java.util.TreeMap;

/** A store that lives as long as the process: for tests, demos and routers without a coordinator. */
public final class MemoryQdb extends StoredQdb {

    public MemoryQdb() {
        super(QdbState.EMPTY);
    }

    /** Starts from {@code initial} at version 0. */
    public MemoryQdb(Metadata initial) {
        super(new QdbState(0, initial, new TreeMap<>()));
    }

    @Override
    void persist(QdbState next) {
        // Memory is the only copy: publishing the state is all there is.
    }
}
