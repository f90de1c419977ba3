package dev.shardgate.console.exec;

import dev.shardgate.meta.MetadataException;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Turns meta's and qdb's errors, which carry a bare SQLSTATE code, into the client's PostgreSQL errors. */
final class MetadataErrors {
    private static final Map<String, SqlState> BY_CODE =
            Arrays.stream(SqlState.values()).collect(Collectors.toUnmodifiableMap(SqlState::code, Function.identity()));

    private MetadataErrors() {
    }

    /** Same SQLSTATE and message; a code SqlState lacks becomes XX000 with the code kept in the detail. */
    static PgException toPg(MetadataException e) {
        SqlState state = BY_CODE.get(e.sqlState());
        if (state == null) {
            return new PgException(SqlState.INTERNAL_ERROR, e.getMessage())
                    .withDetail("The metadata layer reported SQLSTATE " + e.sqlState() + ".");
        }
        return new PgException(state, e.getMessage());
    }
}
