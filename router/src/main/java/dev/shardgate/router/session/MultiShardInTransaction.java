package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.scatter.MultiShardRun;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A statement over several shards inside the client's transaction block, in either protocol: a
 * scatter SELECT, a split INSERT, a keyless UPDATE or DELETE, and the statements every shard runs
 * alike (DDL, writes to reference relations), and COPY of a distributed or reference relation. Each shard it needs joins the transaction (see
 * {@link JoinedShards}) and runs its part there, so the part commits or rolls back with the
 * transaction. When the statement fails anywhere, the transaction fails on every shard.
 */
final class MultiShardInTransaction {
    private MultiShardInTransaction() {
    }

    /** What runs on the shards' backends, each within its part of the transaction. */
    interface OnLinks {
        /** @return false when the statement failed (the client was sent an error) */
        boolean on(Map<String, BackendLink> links) throws IOException;
    }

    /**
     * Runs the work on the plan's shards within the open transaction; the client's ReadyForQuery is
     * the caller's to write (its status is then the transaction's).
     *
     * @return what the run reports, or null when it stopped before the shards answered
     */
    static MultiShardRun.Outcome run(ClientSession session, MultiShardStatements.Plan plan,
                                     MultiShardStatements.Work work) throws IOException {
        MultiShardRun.Outcome[] outcome = {null};
        runOnLinks(session, plan.shards(), links -> {
            Map<String, BackendConnection> backends = new LinkedHashMap<>();
            links.forEach((shard, l) -> backends.put(shard, l.backend));
            outcome[0] = work.on(new MultiShardRun(backends, session.out, plan.replicated(), session.settings.clientEncoding()), plan);
            if (plan.replicated()) {
                session.context().catalogCache().invalidate(); // see MultiShardStatements.withBackends
            }
            return outcome[0] != null && !outcome[0].failed();
        });
        return outcome[0];
    }

    /**
     * Joins {@code shards} to the open transaction and runs the work on their backends; when the
     * work fails, or leaves a shard's part failed, the transaction fails on every shard. The client's
     * ReadyForQuery is the caller's to write.
     */
    static void runOnLinks(ClientSession session, Collection<String> shards, OnLinks work) throws IOException {
        Map<String, BackendLink> links = new LinkedHashMap<>();
        for (String shard : shards) {
            BackendLink l = session.ensureShard(shard);
            startNow(session, l);
            links.put(shard, l);
        }
        session.joined.requireNotFailed();
        BackendLink current = session.currentLink();
        if (current != null && current.transactionStatus != 'T') {
            throw JoinedShards.failedTransaction();
        }
        session.multiShardBackends = links.values().stream().map(l -> l.backend).toList();
        boolean succeeded = false;
        try {
            succeeded = work.on(links);
        } finally {
            session.multiShardBackends = null;
            boolean failed = !succeeded;
            session.lock.lock();
            try {
                for (BackendLink l : links.values()) {
                    boolean ok = !l.backend.isBroken() && l.backend.transactionState().equals("in transaction");
                    l.transactionStatus = ok ? (byte) 'T' : (byte) 'E';
                    l.unnamed = null; // a Query or the run's own Parse replaced the backend's unnamed statement
                    failed |= !ok;
                }
            } finally {
                session.lock.unlock();
            }
            if (failed) {
                // the client saw an error: every shard's part of the transaction fails, even where its
                // part succeeded (a merge that failed, copies that disagree)
                session.joined.failEverywhere(session);
            }
        }
    }

    /** A BEGIN the session holds back for the next message goes out now: the statement bypasses the session's sending. */
    static void startNow(ClientSession session, BackendLink l) throws IOException {
        String replay;
        session.lock.lock();
        try {
            replay = l.replay;
            l.replay = null;
        } finally {
            session.lock.unlock();
        }
        if (replay != null) {
            byte status = BackendQueries.execute(l.backend, replay, session.settings.clientEncoding());
            session.lock.lock();
            try {
                l.transactionStatus = status;
            } finally {
                session.lock.unlock();
            }
        }
    }
}
