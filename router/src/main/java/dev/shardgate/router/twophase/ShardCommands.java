package dev.shardgate.router.twophase;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.SqlStates;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Transaction-control statements the router runs on a shard itself. Unlike BackendQueries it keeps
 * the command tag (PREPARE TRANSACTION and COMMIT of an aborted transaction answer ROLLBACK, not an
 * error) and the rows.
 */
final class ShardCommands {
    /** What a statement answered: its last command tag and its rows (text values). */
    record Answer(String tag, List<List<String>> rows) {
        List<String> firstColumn() {
            return rows.stream().map(row -> row.isEmpty() ? null : row.getFirst()).toList();
        }
    }

    private ShardCommands() {
    }

    /**
     * Runs a simple query through its ReadyForQuery; a server error is rethrown after it, naming the
     * shard, so that the connection stays usable.
     *
     * @throws PgException the shard's error, or 08006 when the connection broke
     */
    static Answer run(Participant on, String sql) {
        BackendConnection backend = on.backend();
        try {
            backend.writer().write(new Query(sql));
            backend.writer().flush();
            ErrorResponse error = null;
            String tag = "";
            List<List<String>> rows = new ArrayList<>();
            while (true) {
                BackendMessage message = backend.reader().readBackend();
                switch (message) {
                    case ParameterStatus status -> backend.reported().put(status.name(), status.value());
                    case ErrorResponse e -> error = e;
                    case CommandComplete complete -> tag = complete.tag();
                    case DataRow row -> {
                        List<String> values = new ArrayList<>(row.values().length);
                        for (byte[] value : row.values()) {
                            values.add(value == null ? null : new String(value, StandardCharsets.UTF_8));
                        }
                        rows.add(values);
                    }
                    case ReadyForQuery ready -> {
                        backend.readyForQuery(ready.status());
                        if (error != null) {
                            throw new PgException(SqlStates.fromCode(error.code()),
                                    "shard \"" + on.shard() + "\": " + error.message());
                        }
                        return new Answer(tag, rows);
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            backend.markBroken();
            throw backend.lost(e);
        }
    }

    /** Runs it and ignores a failure: for clean-up whose failure recovery or the pool handles. */
    static boolean tryRun(Participant on, String sql) {
        try {
            run(on, sql);
            return true;
        } catch (PgException e) {
            return false;
        }
    }
}
