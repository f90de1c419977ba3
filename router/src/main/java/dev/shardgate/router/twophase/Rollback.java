package dev.shardgate.router.twophase;

import java.util.List;

/** Rolls back the transaction open on each participant, ignoring failures: the pool drops a broken backend. */
public final class Rollback {
    private Rollback() {
    }

    public static void all(List<Participant> participants) {
        for (Participant p : participants) {
            ShardCommands.tryRun(p, "ROLLBACK");
        }
    }
}
