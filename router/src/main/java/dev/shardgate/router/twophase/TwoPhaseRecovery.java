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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
     * @param rules the backend rules: recovery reads the router's prepared transactions over the first
     *     naming a database and user that connects, and finishes each as its owner, in its database,
     *     over the rule for that user and database (or the default rule)
     */
    public TwoPhaseRecovery(Pools pools, List<BackendRule> rules, TransactionIds ids, CommitDecisions decisions) {
        this.pools = pools;
        this.rules = rules.stream().filter(rule -> !rule.poolDefault()).toList();
        this.ids = ids;
        this.decisions = decisions;
    }

    /**
     * What a recovery did, and whether it reached every shard: only then are the decisions it found no
     * prepared transaction for deleted, and only then is there nothing left to retry.
     */
    public record Outcome(List<Action> actions, boolean complete) {
    }

    /** What recovery found and did on one shard; {@code reached} false when no backend rule connected. */
    private record OnShard(List<Action> actions, Set<String> unfinished, boolean reached) {
    }

    /** Recovers on every shard; an unreachable shard is logged and keeps its decisions for next time. */
    public List<Action> run(Set<String> shards) {
        return recover(shards).actions();
    }

    /**
     * Recovers on every shard at once, so that a shard that does not answer (it costs
     * server_connect_timeout per try) holds back no other shard's recovery.
     */
    public Outcome recover(Set<String> shards) {
        Map<String, List<String>> decided = decisions.all(ids.prefix());
        List<Action> actions = new ArrayList<>();
        boolean complete = true;
        Set<String> unfinished = new HashSet<>();
        Map<String, Future<OnShard>> running = new LinkedHashMap<>();
        try (ExecutorService perShard = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String shard : shards) {
                running.put(shard, perShard.submit(() -> recoverOn(shard, decided)));
            }
            for (Map.Entry<String, Future<OnShard>> each : running.entrySet()) {
                OnShard done;
                try {
                    done = each.getValue().get();
                } catch (ExecutionException e) {
                    log.warn("event=two_phase_recovery_failed shard={} error=\"{}\"", each.getKey(), e.getCause().toString());
                    complete = false;
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(actions, false);
                }
                complete &= done.reached();
                actions.addAll(done.actions());
                unfinished.addAll(done.unfinished());
            }
        }
        for (String gid : decided.keySet()) {
            if (complete && !unfinished.contains(gid) && !ids.isInFlight(gid)) {
                decisions.forget(gid);
                log.info("event=two_phase_decision_deleted gid={}", gid);
            }
        }
        return new Outcome(actions, complete);
    }

    private OnShard recoverOn(String shard, Map<String, List<String>> decided) {
        List<Prepared> found = preparedOn(shard);
        if (found == null) {
            return new OnShard(List.of(), Set.of(), false);
        }
        List<Action> actions = new ArrayList<>();
        Set<String> unfinished = new HashSet<>();
        for (Prepared prepared : found) {
            if (ids.isInFlight(prepared.gid())) {
                unfinished.add(prepared.gid());
                continue;
            }
            Action action = finish(shard, prepared, decided.containsKey(prepared.gid()));
            if (!action.action().equals("commit") && !action.action().equals("rollback")) {
                unfinished.add(prepared.gid());
            }
            actions.add(action);
        }
        return new OnShard(actions, unfinished, true);
    }

    /** A prepared transaction of this router: only its owner (or a superuser) may finish it, from its database. */
    private record Prepared(String gid, String owner, String database) {
    }

    /**
     * This router's prepared transactions on the shard, in every database (pg_prepared_xacts shows
     * them all to any user), read over the first backend rule that connects; null when none does.
     */
    private List<Prepared> preparedOn(String shard) {
        if (rules.isEmpty()) {
            log.warn("event=two_phase_recovery_failed shard={} error=\"no backend rule names a database and user to look with\"", shard);
        }
        for (BackendRule rule : rules) {
            try {
                List<Prepared> found = new ArrayList<>();
                List<List<String>> rows = withBackend(shard, rule.db(), rule.usr(), on -> ShardCommands.run(on,
                        "SELECT gid, owner, database FROM pg_prepared_xacts WHERE gid LIKE '"
                                + ids.likePattern() + "' ESCAPE '\\' ORDER BY gid").rows());
                for (List<String> row : rows) {
                    found.add(new Prepared(row.get(0), row.get(1), row.get(2)));
                }
                return found;
            } catch (IOException | PgException e) {
                log.warn("event=two_phase_recovery_failed shard={} db={} user={} error=\"{}\"",
                        shard, rule.db(), rule.usr(), e.getMessage());
            }
        }
        return null;
    }

    /**
     * Commits or rolls back as the transaction's owner, over the backend rule for its user and
     * database: PostgreSQL refuses anyone else but a superuser ("permission denied to finish prepared
     * transaction"), and the transaction would stay prepared, holding its locks.
     */
    private Action finish(String shard, Prepared prepared, boolean commit) {
        String verb = commit ? "commit" : "rollback";
        String sql = (commit ? "COMMIT PREPARED '" : "ROLLBACK PREPARED '") + prepared.gid() + "'";
        String action;
        try {
            withBackend(shard, prepared.database(), prepared.owner(), on -> ShardCommands.run(on, sql));
            action = verb;
            log.info("event=two_phase_recovered gid={} shard={} action={} owner={} db={}",
                    prepared.gid(), shard, verb, prepared.owner(), prepared.database());
        } catch (IOException | PgException e) {
            action = "cannot " + verb + " as owner \"" + prepared.owner() + "\" in database \"" + prepared.database()
                    + "\": " + e.getMessage();
            log.error("event=two_phase_recovery_stuck gid={} shard={} action={} owner={} db={} error=\"{}\"",
                    prepared.gid(), shard, verb, prepared.owner(), prepared.database(), e.getMessage());
        }
        return new Action(prepared.gid(), shard, action);
    }

    private interface OnBackend<T> {
        T run(Participant on) throws IOException;
    }

    /** Runs on a backend of the pool for (shard, database, user): 42704-like errors when no backend rule names them. */
    private <T> T withBackend(String shard, String database, String user, OnBackend<T> work) throws IOException {
        BackendPool pool = pools.pool(shard, database, user);
        BackendConnection backend = pool.acquire(() -> false);
        boolean reusable = false;
        try {
            T result = work.run(new Participant(shard, backend));
            reusable = true;
            return result;
        } catch (PgException e) {
            reusable = true; // the shard answered with an error: the connection is fine
            throw e;
        } finally {
            if (reusable && !backend.isBroken() && backend.transactionState().equals("idle")) {
                pool.release(backend);
            } else {
                pool.discard(backend);
            }
        }
    }
}
