package dev.shardgate.console.ast;

/**
 * {@code RECOVER TWO PHASE}: a router commits the prepared transactions it left on its shards that
 * have a commit decision and rolls back the others; answered by the router, not from metadata.
 */
public record RecoverTwoPhase() implements ConsoleStatement {
}
