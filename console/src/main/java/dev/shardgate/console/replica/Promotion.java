package dev.shardgate.console.replica;

import java.time.Instant;
import java.util.List;

/**
 * A standby being made a shard's primary, as recorded before {@code pg_promote()} is called, so
 * that a console that dies half-way leaves a trace of it.
 *
 * @param kind          {@code failover} or {@code switchover}
 * @param lsn           the standby's replayed position when it was chosen
 * @param formerPrimary the host or hosts that were (or are believed to have been) the primary
 */
public record Promotion(String kind, String shard, String host, Lsn lsn, String formerPrimary, Instant started) {

    /** Columns of the answer to FAILOVER SHARD and SWITCHOVER SHARD: one row. */
    public static final List<String> ANSWER_COLUMNS =
            List.of("shard_id", "promoted_host", "lsn", "former_primary", "note");
}
