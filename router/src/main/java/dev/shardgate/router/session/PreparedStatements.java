package dev.shardgate.router.session;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's prepared statements by the client's names. Each distinct (query text, parameter types)
 * gets one router-wide server-side name, so a backend that already prepared a statement for any
 * client can run it for every client: pgjdbc's and pgbench's named statements then survive
 * TRANSACTION pooling.
 */
public final class PreparedStatements {
    /** A statement as the client defined it with Parse. */
    public record Definition(String sql, int[] parameterTypes, String serverName) {
    }

    private record Key(String sql, int[] parameterTypes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.sql.equals(sql) && Arrays.equals(k.parameterTypes, parameterTypes);
        }

        @Override
        public int hashCode() {
            return sql.hashCode() * 31 + Arrays.hashCode(parameterTypes);
        }
    }

    /** Server-side names shared by all sessions of this router. */
    public static final class Names {
        private final ConcurrentHashMap<Key, String> names = new ConcurrentHashMap<>();
        private final AtomicLong sequence = new AtomicLong();
        /** Server names some shard answered ParseComplete for: their text and types are known to parse. */
        private final Set<String> accepted = ConcurrentHashMap.newKeySet();

        String nameFor(String sql, int[] parameterTypes) {
            return names.computeIfAbsent(new Key(sql, parameterTypes.clone()), k -> "sg_" + sequence.incrementAndGet());
        }

        void accepted(String serverName) {
            accepted.add(serverName);
        }

        boolean isAccepted(String serverName) {
            return accepted.contains(serverName);
        }
    }

    private final Names names;
    private final Map<String, Definition> byClientName = new HashMap<>();

    public PreparedStatements(Names names) {
        this.names = names;
    }

    /** Defines or redefines a client statement; the unnamed statement "" keeps the client's text unchanged. */
    public Definition define(String clientName, String sql, int[] parameterTypes) {
        String serverName = clientName.isEmpty() ? "" : names.nameFor(sql, parameterTypes);
        Definition definition = new Definition(sql, parameterTypes, serverName);
        byClientName.put(clientName, definition);
        return definition;
    }

    /** True when a shard already accepted this statement's text and types under its server-side name. */
    boolean isAccepted(Definition definition) {
        return !definition.serverName().isEmpty() && names.isAccepted(definition.serverName());
    }

    /** A shard answered ParseComplete for the statement of this server-side name. */
    void accepted(String serverName) {
        if (!serverName.isEmpty()) {
            names.accepted(serverName);
        }
    }

    public Definition get(String clientName) {
        return byClientName.get(clientName);
    }

    public void remove(String clientName) {
        byClientName.remove(clientName);
    }

    public void clear() {
        byClientName.clear();
    }
}
