package dev.shardgate.router.pool;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.SqlStates;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The health check: one simple Query, one round trip, on the checker's own connection to the host.
 * {@code pg_current_wal_lsn()} raises an error during recovery, so the CASE asks each server only
 * for the position it has ("System Administration Functions", backup and recovery control).
 */
final class HealthQuery {
    static final String SQL = "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only'), "
            + "pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, "
            + "'0/0')::bigint, extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8";

    private HealthQuery() {
    }

    static CheckResult run(BackendConnection connection) throws IOException {
        try {
            connection.writer().write(Query.of(SQL, connection.reader().textEncoding()));
            connection.writer().flush();
            String[] values = null;
            ErrorResponse error = null;
            while (true) {
                BackendMessage message = connection.reader().readBackend();
                switch (message) {
                    case ParameterStatus status -> connection.reported().put(status.name(), status.value());
                    case ErrorResponse e -> error = e;
                    case DataRow row -> {
                        values = new String[row.columnCount()];
                        for (int i = 0; i < values.length; i++) {
                            byte[] value = row.values()[i];
                            values[i] = value == null ? null : new String(value, StandardCharsets.UTF_8);
                        }
                    }
                    case ReadyForQuery ready -> {
                        if (error != null) {
                            throw new PgException(SqlStates.fromCode(error.code()), "health check: " + error.message());
                        }
                        if (values == null || values.length != 4) {
                            throw new IOException("health check: no row");
                        }
                        return parse(values);
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            connection.markBroken();
            throw e;
        }
    }

    static CheckResult parse(String[] values) {
        boolean inRecovery = "t".equals(values[0]);
        boolean readOnly = "on".equals(values[1]);
        long wal = values[2] == null ? -1 : Long.parseLong(values[2]);
        double sinceReplay = values[3] == null || !inRecovery ? -1 : Math.max(0, Double.parseDouble(values[3]));
        return new CheckResult(inRecovery, readOnly, wal, sinceReplay);
    }
}
