package dev.shardgate.router.twophase;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;

/**
 * Commits a transaction open on several shards one shard after the other, without preparing: cheap,
 * but when a COMMIT fails after others succeeded, their part stays committed (the error says which).
 */
public final class BestEffortCommit {
    private BestEffortCommit() {
    }

    /**
     * Commits on each participant in order; at the first failure the rest roll back.
     *
     * @throws PgException the failing shard's error, naming the shards that committed before it
     */
    public static void commit(List<Participant> participants) {
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < participants.size(); i++) {
            Participant p = participants.get(i);
            PgException failure;
            try {
                ShardCommands.Answer answer = ShardCommands.run(p, "COMMIT");
                if (answer.tag().equals("COMMIT")) {
                    committed.add(p.shard());
                    continue;
                }
                failure = new PgException(SqlState.SERIALIZATION_FAILURE, "the transaction was rolled back on shard \""
                        + p.shard() + "\" at COMMIT");
            } catch (PgException e) {
                failure = e;
            }
            for (Participant rest : participants.subList(i + 1, participants.size())) {
                ShardCommands.tryRun(rest, "ROLLBACK");
            }
            if (committed.isEmpty()) {
                throw new PgException(failure.sqlState(), "could not commit: " + failure.getMessage())
                        .withDetail("All shards of the transaction rolled back.");
            }
            throw new PgException(failure.sqlState(), "could not commit: " + failure.getMessage()
                    + "; shards " + String.join(", ", committed) + " had committed already")
                    .withDetail("The transaction is committed on some shards only (commit strategy best_effort).")
                    .withHint("SET __spqr__commit_strategy = '2pc' commits on all shards or none.");
        }
    }
}
