package dev.shardgate.router.replica;

import dev.shardgate.console.replica.HostQueries;
import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendConnector;
import dev.shardgate.router.backend.SqlStates;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One connection per statement to exactly the host named, never through a pool: a promotion must
 * reach that server and no other. Logs in with the first backend rule that names a database and a
 * user (pg_promote needs a superuser or a role granted EXECUTE on it).
 */
public final class DirectHostQueries implements HostQueries {
    private final BackendConnector connector;
    private final List<BackendRule> rules;

    public DirectHostQueries(BackendConnector connector, List<BackendRule> rules) {
        this.connector = connector;
        this.rules = rules.stream().filter(rule -> !rule.poolDefault()).toList();
    }

    @Override
    public List<List<String>> query(String shard, String host, String sql, Duration timeout) {
        if (rules.isEmpty()) {
            throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "cannot connect to host \"" + host + "\" of shard \"" + shard
                            + "\": no backend rule names a database and user to log in with");
        }
        BackendRule rule = rules.getFirst();
        BackendAddress address = BackendAddress.parse(shard, host);
        AtomicReference<BackendConnection> open = new AtomicReference<>();
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<List<List<String>>> answer = new CompletableFuture<>();
        Thread.ofVirtual().name("host-query-" + host).start(() -> {
            try {
                var login = rule.loginOn(shard).orElse(new dev.shardgate.router.config.ShardLogin(rule.db(), rule.usr(), null));
                BackendConnection connection = connector.connect(address, login.database(), login.user(), login.password());
                open.set(connection);
                try (connection) {
                    if (abandoned.get()) {
                        // the caller has reported a timeout: a late pg_promote() must not run
                        throw new PgException(SqlState.QUERY_CANCELED, "abandoned after the timeout");
                    }
                    answer.complete(rows(connection, sql));
                }
            } catch (Throwable e) {
                answer.completeExceptionally(e);
            }
        });
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandoned.set(true);
            BackendConnection connection = open.get();
            if (connection != null) {
                connection.close(); // unblocks the reading thread
            }
            throw new PgException(SqlState.CONNECTION_FAILURE, "host \"" + host + "\" of shard \"" + shard
                    + "\" did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw failure(shard, host, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException(SqlState.QUERY_CANCELED, "interrupted while waiting for host \"" + host + "\"");
        }
    }

    private static PgException failure(String shard, String host, Throwable cause) {
        return switch (cause) {
            case PgException e -> new PgException(e.sqlState(), "host \"" + host + "\" of shard \"" + shard + "\": "
                    + e.getMessage());
            case IOException e -> new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "cannot connect to host \"" + host + "\" of shard \"" + shard + "\": " + e.getMessage());
            default -> new PgException(SqlState.INTERNAL_ERROR, "host \"" + host + "\" of shard \"" + shard + "\": " + cause);
        };
    }

    /** A simple query's rows as text, read through its ReadyForQuery; the server's error after it. */
    private static List<List<String>> rows(BackendConnection connection, String sql) throws IOException {
        connection.writer().write(new Query(sql));
        connection.writer().flush();
        List<List<String>> rows = new ArrayList<>();
        ErrorResponse error = null;
        while (true) {
            BackendMessage message = connection.reader().readBackend();
            switch (message) {
                case RowDescription ignored -> rows.clear(); // only the last result's rows
                case DataRow row -> {
                    List<String> values = new ArrayList<>(row.values().length);
                    for (byte[] value : row.values()) {
                        values.add(value == null ? null : new String(value, StandardCharsets.UTF_8));
                    }
                    rows.add(values);
                }
                case ErrorResponse e -> error = e;
                case ReadyForQuery ignored -> {
                    if (error != null) {
                        throw new PgException(SqlStates.fromCode(error.code()), error.message());
                    }
                    return rows;
                }
                default -> { }
            }
        }
    }
}
