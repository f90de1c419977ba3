package dev.shardgate.console.exec;

import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyRangeIndex;
import dev.shardgate.meta.Metadata;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

/**
 * SPQR's rule for CREATE KEY RANGE (its ValidateKeyRangeForCreate). A key range has only a lower
 * bound and reaches up to the next one, so a new range whose bound lies inside an existing range
 * of another shard would take that range's upper keys from it, and their rows would stay behind on
 * the old shard. The nearest existing range, the one with the greatest lower bound not above the
 * new bound, decides: an equal bound is refused, and so is a nearest range of another shard; one of
 * the same shard only narrows which range routes those keys. Hence SPQR's advice to create key
 * ranges from the highest bound down.
 *
 * <p>"Existing" means existing when the query began: the CREATE KEY RANGE statements of one query
 * (an init_sql file, a multi-statement query, an extended-protocol batch up to Sync) describe one
 * new set of ranges, which needs only distinct bounds, so their order inside the query does not
 * matter. Each query sent on its own, as psql sends the lines of a script, meets SPQR's rule.
 */
final class KeyRangeOverlap {
    private KeyRangeOverlap() {
    }

    /**
     * @param queryStart the metadata before the query's first statement
     * @param draft the metadata as the statements before this one left it
     * @throws PgException 42710 when a range has the new range's bound, 42P17 when the new range
     *         starts inside a range of another shard that existed when the query began
     */
    static void check(KeyRange created, Metadata queryStart, Metadata draft) {
        if (draft.keyRange(created.id()).isPresent() || draft.shard(created.shardId()).isEmpty()) {
            return; // a taken id or a missing shard is refused first, as in SPQR, when the change is applied
        }
        KeyRangeIndex index = draft.index(created.distributionId());
        KeyRange nearest = null;
        for (KeyRange range : index.ranges()) {
            int order = range.lowerBound().compareTo(created.lowerBound());
            if (order > 0) {
                break;
            }
            if (order == 0) {
                throw new PgException(SqlState.DUPLICATE_OBJECT,
                        "key range " + created.id() + " equals key range " + range.id() + " in QDB");
            }
            if (queryStart.keyRange(range.id()).isPresent()) {
                nearest = range;
            }
        }
        if (nearest != null && !nearest.shardId().equals(created.shardId())) {
            // PostgreSQL refuses a partition that would overlap another with 42P17 (invalid_object_definition).
            String upTo = index.upperBound(nearest).map(upper -> " up to " + upper).orElse(" upward");
            throw new PgException(SqlState.INVALID_OBJECT_DEFINITION,
                    "key range " + created.id() + " intersects with key range " + nearest.id() + " in QDB")
                    .withDetail("Key range \"" + nearest.id() + "\" routes the keys from " + nearest.lowerBound() + upTo
                            + " to shard \"" + nearest.shardId() + "\"; key range \"" + created.id() + "\" would route those from "
                            + created.lowerBound() + " to shard \"" + created.shardId() + "\".")
                    .withHint("Create key ranges from the highest lower bound down; to give part of key range \"" + nearest.id()
                            + "\" to another shard, SPLIT it and move the new range.");
        }
    }
}
