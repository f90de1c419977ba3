package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A router's copy of a coordinator's metadata: it changes only by what the coordinator sends, in
 * the coordinator store's versions. Metadata commands given to it directly are refused, naming the
 * coordinator's console. Lives in memory: a restarted router is filled again by its coordinator.
 * Its key-value area is the coordinator's, when one is given: sequence blocks and commit decisions
 * must outlive the router and be shared with the other routers.
 */
public final class MirrorQdb extends StoredQdb {
    /** SQLSTATE read_only_sql_transaction, as a hot standby answers a write. */
    public static final String READ_ONLY = "25006";

    /** Where the mirror stands: the store it copies (empty before the first install) and the version. */
    public record Position(String storeId, long version) {
    }

    private String storeId = "";
    private volatile String coordinatorConsole = "";

    private final KeyValues shared;

    /** A mirror whose key-value area lives in memory, lost with the router. */
    public MirrorQdb() {
        this(null);
    }

    /** @param shared the coordinator's key-value area, or null to keep one in memory */
    public MirrorQdb(KeyValues shared) {
        super(QdbState.EMPTY);
        this.shared = shared;
    }

    /** Whether the key-value area outlives this router (it is the coordinator's). */
    public boolean sharesKeyValues() {
        return shared != null;
    }

    @Override
    public Optional<byte[]> get(String key) {
        return shared == null ? super.get(key) : shared.get(key);
    }

    @Override
    public void put(String key, byte[] value) {
        if (shared == null) {
            super.put(key, value);
        } else {
            shared.put(key, value);
        }
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        return shared == null ? super.compareAndSet(key, expected, value) : shared.compareAndSet(key, expected, value);
    }

    @Override
    public void delete(String key) {
        if (shared == null) {
            super.delete(key);
        } else {
            shared.delete(key);
        }
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        return shared == null ? super.scan(prefix) : shared.scan(prefix);
    }

    @Override
    public void close() {
        super.close();
        if (shared instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new QdbException(MetadataException.IO_ERROR, "could not close " + shared + ": " + e.getMessage(), e);
            }
        }
    }

    /** Refused: the coordinator owns this router's metadata. An empty batch changes nothing. */
    @Override
    public Metadata apply(List<? extends MetadataChange> changes) {
        if (changes.isEmpty()) {
            return snapshot();
        }
        checkWritable();
        return snapshot();
    }

    @Override
    public void checkWritable() {
        String where = coordinatorConsole.isEmpty() ? "" : " at " + coordinatorConsole;
        throw new MetadataException(READ_ONLY, "this router takes its metadata from the coordinator" + where
                + "; run metadata commands on the coordinator's console");
    }

    public synchronized Position position() {
        return new Position(storeId, version());
    }

    /**
     * Applies the batch that made {@code version} in store {@code sourceStore}, if this mirror
     * holds version - 1 of that store and the batch applies cleanly; otherwise changes nothing.
     *
     * @return null when applied, else why not (the sender then installs a snapshot)
     */
    public synchronized String follow(String sourceStore, long version, List<MetadataChange> changes) {
        if (!sourceStore.equals(storeId)) {
            return "holds store \"" + storeId + "\", not \"" + sourceStore + "\"";
        }
        if (version != version() + 1) {
            return "holds version " + version() + ", cannot apply version " + version;
        }
        Metadata next;
        try {
            next = snapshot().apply(changes);
        } catch (MetadataException e) {
            return "version " + version + " does not apply: " + e.getMessage();
        }
        publish(version, changes, next);
        return null;
    }

    /** Replaces everything with the source's snapshot at {@code version}. */
    public synchronized void install(String sourceStore, long version, Metadata metadata) {
        storeId = sourceStore;
        publish(version, List.of(), metadata);
    }

    /** The console of the coordinator that last sent metadata, named in refusals. */
    public void coordinatorConsole(String address) {
        coordinatorConsole = address == null ? "" : address;
    }

    @Override
    void persist(QdbState next) {
        // Memory only: the coordinator's QDB is the durable copy.
    }
}
