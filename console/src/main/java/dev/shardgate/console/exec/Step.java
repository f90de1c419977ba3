package dev.shardgate.console.exec;

import dev.shardgate.meta.MetadataChange;
import java.util.List;

/** What one statement contributes to a console query: changes to the batch, a SHOW, or a fixed reply. */
sealed interface Step {

    /**
     * Metadata changes, applied with the rest of the query's batch.
     *
     * @param answer what the statement answers once the batch is applied: SPQR's one-column table
     *               for most statements, a command tag for Shardgate's own
     */
    record Change(List<MetadataChange> changes, ConsoleResult answer) implements Step {
        public Change {
            changes = List.copyOf(changes);
        }

        /** A statement SPQR has no table for: it answers this command tag. */
        Change(List<MetadataChange> changes, String tag) {
            this(changes, new ConsoleResult.Done(tag));
        }
    }

    /** A SHOW, answered from the snapshot the batch produced. */
    record Query(ShowQuery query) implements Step {
    }

    /**
     * DROP SEQUENCE: its values live outside the metadata, so they are dropped after the query's
     * metadata changes are stored, not with them.
     */
    record SequenceDrop(String name) implements Step {
    }

    /** A statement that neither reads nor changes metadata. */
    record Reply(ConsoleResult result) implements Step {
    }
}
