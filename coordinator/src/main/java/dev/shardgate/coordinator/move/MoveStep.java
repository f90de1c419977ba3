package dev.shardgate.coordinator.move;

import java.util.Locale;

/**
 * The steps of one batch, in order. A task group records the step it is about to run before
 * running it, and every step can run again after a crash with the same outcome.
 */
public enum MoveStep {
    /** Find the batch's upper bound: the first key after BATCH SIZE keys of the remaining range. */
    PLAN,
    /** Split the batch off the low end of the remaining range, as a key range of its own. */
    SPLIT,
    /** Lock the batch's range, wait for the routers to see the lock and for older writes to end. */
    LOCK,
    /** Replace the batch's rows on the destination with the source's, counting them as they pass. */
    COPY,
    /**
     * Run by earlier versions between COPY and DELETE (both shards counted again); DELETE does its
     * work now. A group stored at this step goes on to DELETE, or copies again when it does not know
     * what COPY streamed.
     */
    VERIFY,
    /**
     * Delete the batch's rows from the source while reading them back on the destination, in a
     * source transaction that commits only if both are the rows COPY counted (else back to COPY);
     * its id is recorded before COMMIT.
     */
    DELETE,
    /** Point the batch's range at the destination, unlock it and unite it with the moved part. */
    MOVE;

    /** The lower-case name the fail-at hook and SHOW task_group use. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static MoveStep ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
