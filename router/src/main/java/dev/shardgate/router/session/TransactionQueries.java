package dev.shardgate.router.session;

import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;

/**
 * Statements the router itself runs inside the client's transaction on one of its backends, while
 * nothing of the client's is in flight there: savepoints on every shard, and the error that fails a
 * shard's part of a transaction that failed elsewhere.
 */
final class TransactionQueries {
    private TransactionQueries() {
    }

    /** The transaction status of a backend with nothing in flight; 0 while answers are outstanding. */
    static byte quietStatus(ClientSession session, BackendLink l) {
        session.lock.lock();
        try {
            return l.isQuiet() && !l.relaying && !l.writing ? l.transactionStatus : 0;
        } finally {
            session.lock.unlock();
        }
    }

    /**
     * The client's transaction failed elsewhere, so this shard's part must fail too: then ROLLBACK,
     * COMMIT and everything else get the server's own answers.
     */
    static void abort(ClientSession session, BackendLink l) {
        run(session, l, "DO $$BEGIN RAISE EXCEPTION 'shardgate: the transaction failed on another shard'; END$$");
    }

    /**
     * Runs a simple query of the router's on a quiet backend of the transaction and reads through
     * its ReadyForQuery, rows and notices dropped.
     *
     * @return the shard's error, as the shard sent it, or null
     */
    static ErrorResponse run(ClientSession session, BackendLink l, String sql) {
        byte status = 'E';
        ErrorResponse error = null;
        try {
            l.backend.writer().write(Query.of(sql, session.settings.clientEncoding()));
            l.backend.writer().flush();
            while (true) {
                BackendMessage message = l.backend.reader().readBackend();
                if (message instanceof ParameterStatus parameter) {
                    l.backend.reported().put(parameter.name(), parameter.value());
                } else if (message instanceof ErrorResponse e && error == null) {
                    error = e;
                } else if (message instanceof ReadyForQuery ready) {
                    l.backend.readyForQuery(ready.status());
                    status = ready.status();
                    break;
                }
            }
        } catch (IOException e) {
            l.backend.markBroken();
            error = ErrorResponse.of(l.backend.lost(e));
        }
        session.lock.lock();
        try {
            l.transactionStatus = status;
            l.unnamed = null; // a simple Query drops the unnamed statement
        } finally {
            session.lock.unlock();
        }
        return error;
    }
}
