package dev.shardgate.router.twophase;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Two-phase commit of a transaction open on several shards: PREPARE TRANSACTION on each, then the
 * commit decision into the QDB, then COMMIT PREPARED on each, then the decision is deleted. Before
 * the decision is stored, any failure rolls everything back and the client gets an error; after it,
 * the transaction is committed: a shard that cannot be told now is told by recovery. When the QDB
 * fails so that the decision may or may not be stored, the transaction stays prepared for recovery
 * and the client gets 08007 (transaction resolution unknown).
 */
public final class TwoPhaseCommit {
    private static final Logger log = LoggerFactory.getLogger(TwoPhaseCommit.class);

    private final TransactionIds ids;
    private final CommitDecisions decisions;
    private final TwoPhaseEvents events;

    public TwoPhaseCommit(TransactionIds ids, CommitDecisions decisions) {
        this(ids, decisions, TwoPhaseEvents.NONE);
    }

    public TwoPhaseCommit(TransactionIds ids, CommitDecisions decisions, TwoPhaseEvents events) {
        this.ids = ids;
        this.decisions = decisions;
        this.events = events;
    }

    /**
     * Commits the transaction open on every participant; they are idle afterwards (or broken).
     *
     * @throws PgException when it rolled back instead: the failing shard's SQLSTATE (40001 when a
     *     shard rolled back on its own), the message naming the shard
     */
    public void commit(List<Participant> participants) {
        commit(participants, null);
    }

    /**
     * As {@link #commit(List)}, prepared under a name the client chose (see
     * {@link TransactionIds#named}); null for the router's next name.
     */
    public void commit(List<Participant> participants, String clientGid) {
        String gid = clientGid == null ? ids.next() : ids.named(clientGid);
        try {
            List<Participant> prepared = new ArrayList<>(participants.size());
            for (int i = 0; i < participants.size(); i++) {
                Participant p = participants.get(i);
                PgException failure;
                try {
                    ShardCommands.Answer answer = ShardCommands.run(p, "PREPARE TRANSACTION '" + gid + "'");
                    if (answer.tag().equals("PREPARE TRANSACTION")) {
                        prepared.add(p);
                        continue;
                    }
                    failure = new PgException(SqlState.SERIALIZATION_FAILURE, "the transaction was rolled back on shard \""
                            + p.shard() + "\" when it was prepared");
                } catch (PgException e) {
                    failure = e;
                }
                abort(gid, prepared, participants.subList(i + 1, participants.size()));
                events.rolledBack();
                throw new PgException(failure.sqlState(), "could not prepare the transaction for two-phase commit: "
                        + failure.getMessage()).withDetail("All shards of the transaction rolled back.");
            }
            List<String> shards = participants.stream().map(Participant::shard).toList();
            events.prepared();
            try {
                decisions.recordCommit(gid, shards);
            } catch (RuntimeException e) {
                if (!forgetQuietly(gid)) {
                    // A write that failed on the way may still have been stored: rolling back now
                    // could contradict a stored decision, so only recovery may finish it.
                    log.error("event=two_phase_in_doubt gid={} shards={} error=\"{}\"", gid, shards, e.getMessage());
                    throw new PgException(SqlState.TRANSACTION_RESOLUTION_UNKNOWN, "could not record the commit "
                            + "decision of two-phase transaction " + gid + ", nor make sure it is absent: " + e.getMessage())
                            .withDetail("The transaction stays prepared on shards " + String.join(", ", shards)
                                    + " until two-phase recovery finishes it: it commits if the decision was stored, "
                                    + "else rolls back.")
                            .withHint("Run RECOVER TWO PHASE on the router's console once its QDB is reachable; "
                                    + "the router also recovers when it starts.");
                }
                abort(gid, prepared, List.of());
                events.rolledBack();
                throw new PgException(SqlState.SERIALIZATION_FAILURE,
                        "could not record the commit decision of two-phase transaction " + gid + ": " + e.getMessage())
                        .withDetail("All shards of the transaction rolled back.");
            }
            events.committed();
            boolean allCommitted = true;
            for (Participant p : prepared) {
                try {
                    ShardCommands.run(p, "COMMIT PREPARED '" + gid + "'");
                } catch (PgException e) {
                    // the decision stands: recovery commits it on this shard
                    allCommitted = false;
                    log.warn("event=commit_prepared_failed gid={} shard={} error=\"{}\"", gid, p.shard(), e.getMessage());
                }
            }
            if (allCommitted) {
                decisions.forget(gid);
            }
            log.debug("event=two_phase_commit gid={} shards={} complete={}", gid, shards, allCommitted);
        } finally {
            ids.done(gid);
        }
    }

    /** True when the decision is surely not stored (deleted, or never written). */
    private boolean forgetQuietly(String gid) {
        try {
            decisions.forget(gid);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void abort(String gid, List<Participant> prepared, List<Participant> notPrepared) {
        for (Participant p : prepared) {
            if (!ShardCommands.tryRun(p, "ROLLBACK PREPARED '" + gid + "'")) {
                // without a decision, recovery rolls it back
                log.warn("event=rollback_prepared_failed gid={} shard={}", gid, p.shard());
            }
        }
        for (Participant p : notPrepared) {
            ShardCommands.tryRun(p, "ROLLBACK");
        }
    }
}
