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
    /**
     * Move the batch's rows: the source streams them into the destination and deletes them in the
     * same snapshot while the destination reads them back; the destination commits when they match,
     * then the source (whose transaction id is recorded first). A mismatch rolls both back and runs
     * COPY again.
     */
    COPY,
    /** Run by earlier versions after COPY; a group stored at this step copies again (nothing was deleted). */
    VERIFY,
    /** Run by earlier versions after VERIFY: deletes the verified batch on the source. */
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
