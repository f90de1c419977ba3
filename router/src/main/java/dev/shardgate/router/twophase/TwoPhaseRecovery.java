package dev.shardgate.router.twophase;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.router.pool.Pools;
import dev.shardgate.wire.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finishes the prepared transactions this router left on its shards (it crashed between PREPARE
 * and COMMIT PREPARED): those with a commit decision in the QDB commit, the others roll back; then
 * decisions with no prepared transaction left are deleted. Runs at router start and on the console's
 * {@code RECOVER TWO PHASE}; transactions a session of this process is committing right now are left
 * alone.
 */
public final class TwoPhaseRecovery {
    private static final Logger log = LoggerFactory.getLogger(TwoPhaseRecovery.class);

    /** What recovery did with one prepared transaction on one shard. */
    public record Action(String gid, String shard, String action) {
    }

    private final Pools pools;
    private final List<BackendRule> rules;
    private final TransactionIds ids;
    private final CommitDecisions decisions;

    /**
     * @param rules the backend rules naming a database and user: a prepared transaction can only be
     *     finished from its own database, so recovery connects as each of them
     */
    public TwoPhaseRecovery(Pools pools, List<BackendRule> rules, TransactionIds ids, CommitDecisions decisions) {
        this.pools = pools;
        this.rules = rules.stream().filter(rule -> !rule.poolDefault()).toList();
        this.ids = ids;
        this.decisions = decisions;
    }

    /** Recovers on every shard; an unreachable shard is logged and keeps its decisions for next time. */
    public List<Action> run(Set<String> shards) {
        Map<String, List<String>> decided = decisions.all(ids.prefix());
        List<Action> actions = new ArrayList<>();
        boolean complete = true;
        Set<String> unfinished = new HashSet<>();
        for (String shard : shards) {
            for (BackendRule rule : rules) {
                try {
                    recoverOn(shard, rule, decided, actions, unfinished);
                } catch (IOException | PgException e) {
                    complete = false;
                    log.warn("event=two_phase_recovery_failed shard={} db={} user={} error=\"{}\"",
                            shard, rule.db(), rule.usr(), e.getMessage());
                }
            }
        }
        for (String gid : decided.keySet()) {
            if (complete && !unfinished.contains(gid) && !ids.isInFlight(gid)) {
                decisions.forget(gid);
                log.info("event=two_phase_decision_deleted gid={}", gid);
            }
        }
        return actions;
    }

    private void recoverOn(String shard, BackendRule rule, Map<String, List<String>> decided, List<Action> actions,
                           Set<String> unfinished) throws IOException {
        BackendPool pool = pools.pool(shard, rule.db(), rule.usr());
        BackendConnection backend = pool.acquire(() -> false);
        Participant on = new Participant(shard, backend);
        boolean reusable = false;
        try {
            List<String> prepared = ShardCommands.run(on, "SELECT gid FROM pg_prepared_xacts WHERE gid LIKE '"
                    + ids.likePattern() + "' ESCAPE '\\' AND database = current_database() ORDER BY gid").firstColumn();
            for (String gid : prepared) {
                if (ids.isInFlight(gid)) {
                    unfinished.add(gid);
                    continue;
                }
                boolean commit = decided.containsKey(gid);
                String action = commit ? "commit" : "rollback";
                try {
                    ShardCommands.run(on, (commit ? "COMMIT PREPARED '" : "ROLLBACK PREPARED '") + gid + "'");
                } catch (PgException e) {
                    unfinished.add(gid);
                    action = action + " failed: " + e.getMessage();
                }
                actions.add(new Action(gid, shard, action));
                log.info("event=two_phase_recovered gid={} shard={} action=\"{}\"", gid, shard, action);
            }
            reusable = true;
        } finally {
            if (reusable && !backend.isBroken()) {
                pool.release(backend);
            } else {
                pool.discard(backend);
            }
        }
    }
}
