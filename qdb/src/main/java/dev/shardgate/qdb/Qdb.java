package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import java.util.List;
import java.util.function.Consumer;

/**
 * The metadata store: one current snapshot with a version that grows by one per applied batch of
 * changes, change notifications in version order, and a small key-value area for coordinator
 * bookkeeping (task groups, sequences, two-phase-commit decisions). Thread-safe.
 */
public interface Qdb extends KeyValues, AutoCloseable {

    /** The current snapshot. */
    Metadata snapshot();

    /** The version of the current snapshot: 0 for an empty new store, +1 per applied batch. */
    long version();

    /**
     * Validates the changes in order against the current snapshot and, if all pass, stores the
     * result durably before returning it as the new current snapshot with version + 1. If any
     * change is refused, or storing fails, nothing changes. An empty list changes nothing.
     *
     * @throws dev.shardgate.meta.MetadataException for a refused change
     * @throws QdbException when the result could not be stored
     */
    Metadata apply(List<? extends MetadataChange> changes);

    default Metadata apply(MetadataChange change) {
        return apply(List.of(change));
    }

    /**
     * Throws when this store takes no metadata changes from its own users at all (a router's copy
     * of a coordinator's metadata, a coordinator standing by), so that a command is refused for that
     * reason before it is checked against the metadata.
     *
     * @throws dev.shardgate.meta.MetadataException (25006) saying where changes are made instead
     */
    default void checkWritable() {
    }

    /**
     * Calls {@code listener} first with the current state (version, no changes, snapshot), then
     * with every applied batch, in version order, on a thread of its own; a slow listener delays
     * only itself. Exceptions thrown by the listener are logged and do not end the subscription.
     */
    Subscription watch(Consumer<QdbEvent> listener);

    /** Ends all subscriptions; later calls fail with {@link QdbException}. */
    @Override
    void close();
}
