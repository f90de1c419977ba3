package dev.shardgate.router.backend;

import dev.shardgate.wire.SqlState;

import java.util.HashMap;
import java.util.Map;

/** Maps a shard's SQLSTATE onto ours, keeping the class when the exact code is not one we name. */
public final class SqlStates {
    private static final Map<String, SqlState> BY_CODE = new HashMap<>();

    static {
        for (SqlState state : SqlState.values()) {
            BY_CODE.put(state.code(), state);
        }
    }

    private SqlStates() {
    }

    public static SqlState fromCode(String code) {
        SqlState state = code == null ? null : BY_CODE.get(code);
        if (state != null) {
            return state;
        }
        if (code != null && code.startsWith("28")) {
            return SqlState.INVALID_AUTHORIZATION_SPECIFICATION;
        }
        if (code != null && code.startsWith("08")) {
            return SqlState.CONNECTION_FAILURE;
        }
        // a code we do not name keeps its class when the class has a code of its own (23xxx → 23000)
        SqlState ofClass = code == null || code.length() != 5 ? null : BY_CODE.get(code.substring(0, 2) + "000");
        if (ofClass != null) {
            return ofClass;
        }
        return SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION;
    }
}
