package dev.shardgate.router.session;

import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;

/**
 * A segment that only prepares named statements (Parse … Sync, what libpq's PQprepare sends), each of
 * whose text and parameter types a shard has already accepted for some client, is answered by the
 * router without taking a backend: the statement is prepared on a backend when a Bind first uses it
 * there (BackendLink.prepareForUse).
 *
 * <p>Why: pgbench -M prepared prepares synchronously, blocking its thread, while that thread's other
 * clients hold backends in open transactions; with more clients than backends, each PQprepare that
 * needed a backend waited for pool_wait_timeout. A statement whose table was dropped since it was
 * accepted then fails at its first Bind instead of at Parse; PostgreSQL reports a statement
 * invalidated after Parse in the same place.
 */
final class PreparedLocally {
    private PreparedLocally() {
    }

    /** At Sync with no backend held: true when the held segment was answered here. */
    static boolean answer(ClientSession session) throws IOException {
        if (session.held.isEmpty()) {
            return false;
        }
        for (FrontendMessage message : session.held) {
            if (!(message instanceof Parse parse) || parse.statement().isEmpty()) {
                return false;
            }
            PreparedStatements.Definition definition = session.statements.get(parse.statement());
            if (definition == null || !session.statements.isAccepted(definition)) {
                return false;
            }
        }
        PgWriter out = session.out;
        for (int i = 0; i < session.held.size(); i++) {
            out.write(ParseComplete.INSTANCE);
        }
        session.held.clear();
        session.metrics.answered(dev.shardgate.router.metrics.RouteKind.LOCAL, session.idleStatus());
        out.write(new ReadyForQuery(session.idleStatus()));
        out.flush();
        return true;
    }
}
