package dev.shardgate.router.session;

import dev.shardgate.router.session.BackendLink.Expect;
import dev.shardgate.router.session.BackendLink.Pending;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgWriter;

import java.io.IOException;

/**
 * A router-made error raised by the backend itself, for a statement refused in the middle of an
 * extended-protocol segment whose earlier messages the backend already has: the client gets it in
 * order, the backend skips to Sync as PostgreSQL does, and nothing of the segment commits.
 */
final class InBandError {
    private InBandError() {
    }

    /** Sends the statement that raises the error; its ParseComplete and BindComplete are the router's, not the client's. */
    static void raise(ClientSession session, BackendLink l, PgException error) throws IOException {
        String sql = raising(error);
        session.lock.lock();
        try {
            l.pending.add(new Pending(Expect.PARSE_COMPLETE, false, null));
            l.pending.add(new Pending(Expect.BIND_COMPLETE, false, null));
            l.unnamed = null; // the client's unnamed statement on this backend is replaced
            l.writing = true;
        } finally {
            session.lock.unlock();
        }
        try {
            PgWriter backendOut = l.backend.writer();
            backendOut.write(Parse.of("", sql, new int[0], session.settings.clientEncoding()));
            backendOut.write(new Bind("", "", new short[0], new byte[0][], new short[0]));
            backendOut.write(new Execute("", 0));
            backendOut.flush();
        } finally {
            session.writeDone(l);
        }
    }

    /** A statement that makes a server raise {@code error}, so that it fails in order and fails the transaction. */
    static String raising(PgException error) {
        String tag = "sg_" + Long.toHexString(System.nanoTime());
        return "DO $" + tag + "$BEGIN RAISE EXCEPTION USING ERRCODE = '" + error.sqlState().code()
                + "', MESSAGE = " + literal(error.getMessage())
                + (error.hint() == null ? "" : ", HINT = " + literal(error.hint())) + "; END$" + tag + "$";
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
