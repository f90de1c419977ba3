package dev.shardgate.router.route;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.function.Supplier;

/** Turns metadata errors met while routing into the PostgreSQL errors the client sees. */
final class KeyErrors {
    private KeyErrors() {
    }

    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (MetadataException e) {
            throw toPg(e);
        }
    }

    static PgException toPg(MetadataException e) {
        for (SqlState state : SqlState.values()) {
            if (state.code().equals(e.sqlState())) {
                return new PgException(state, e.getMessage());
            }
        }
        return new PgException(SqlState.DATA_EXCEPTION, e.getMessage());
    }

    static PgException noRange(String distribution, KeyBound key) {
        return new PgException(SqlState.INVALID_PARAMETER_VALUE,
                "no key range of distribution \"" + distribution + "\" holds key " + key)
                .withHint("Create a key range starting at or below it, or give the distribution a DEFAULT SHARD.");
    }
}
