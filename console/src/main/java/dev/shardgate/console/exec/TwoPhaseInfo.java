package dev.shardgate.console.exec;

/**
 * A two-phase transaction whose commit decision the router has recorded and not yet forgotten, a
 * row of {@code SHOW two_phase_tx}: every shard prepared it, and it commits on each of them.
 *
 * @param gid    the prepared transaction's name on the shards
 * @param status {@code committing}: decided, COMMIT PREPARED not yet done on every shard
 * @param shards the shards that prepared it, comma-separated
 */
public record TwoPhaseInfo(String gid, String status, String shards) {
}
