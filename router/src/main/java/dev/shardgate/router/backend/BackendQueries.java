package dev.shardgate.router.backend;

import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;

/** Statements the router itself runs on a backend between client transactions. */
public final class BackendQueries {
    private BackendQueries() {
    }

    /**
     * Runs a simple query and reads through its ReadyForQuery, discarding rows. A server error is
     * rethrown after the connection is back to ReadyForQuery, so the connection stays usable.
     *
     * @return the transaction status byte of the final ReadyForQuery
     */
    public static byte execute(BackendConnection connection, String sql) throws IOException {
        // sent in the encoding the server reads statements in now (values of settings may be non-ASCII)
        return execute(connection, sql, connection.reader().textEncoding());
    }

    /** As above, for text that may hold the client's own words: sent in the client encoding the backend has. */
    public static byte execute(BackendConnection connection, String sql, ClientEncoding encoding) throws IOException {
        try {
            connection.writer().write(Query.of(sql, encoding));
            connection.writer().flush();
            ErrorResponse error = null;
            while (true) {
                BackendMessage message = connection.reader().readBackend();
                switch (message) {
                    case ParameterStatus status ->
                            connection.reported().put(status.name(), status.value());
                    case ErrorResponse e -> error = e;
                    case ReadyForQuery ready -> {
                        connection.readyForQuery(ready.status());
                        if (error != null) {
                            throw new PgException(SqlStates.fromCode(error.code()), error.message());
                        }
                        return ready.status();
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            connection.markBroken();
            throw e;
        }
    }

    /** True when the connection answers an empty query and is idle. */
    public static boolean ping(BackendConnection connection) {
        try {
            return execute(connection, "") == 'I';
        } catch (IOException | RuntimeException e) {
            connection.markBroken();
            return false;
        }
    }
}
