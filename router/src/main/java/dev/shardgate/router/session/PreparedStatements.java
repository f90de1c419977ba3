package dev.shardgate.router.session;

import dev.shardgate.router.sequence.AutoIncrementFill;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.Parse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A client's prepared statements by the client's names. Each distinct (query text, parameter types)
 * gets one router-wide server-side name, so a backend that already prepared a statement for any
 * client can run it for every client: pgjdbc's and pgbench's named statements then survive
 * TRANSACTION pooling.
 */
public final class PreparedStatements {
    /**
     * A statement as the client defined it with Parse.
     *
     * @param sql            the text servers prepare as the router reads it: the client's, or with
     *                       auto-increment columns added
     * @param text           that text's bytes in the client encoding: the client's own bytes when the
     *                       router added nothing
     * @param parameterTypes the types servers are given, likewise
     * @param autoIncrement  how auto-increment columns are filled; null when none are
     */
    public record Definition(String sql, byte[] text, int[] parameterTypes, String serverName,
                             AutoIncrementFill.Prepared autoIncrement) {
        public Definition(String sql, int[] parameterTypes, String serverName) {
            this(sql, sql.getBytes(java.nio.charset.StandardCharsets.UTF_8), parameterTypes, serverName, null);
        }

        /** The Parse that prepares this statement on a server under {@code name}. */
        public Parse parse(String name) {
            return new Parse(name, text, sql, parameterTypes);
        }

        boolean isDefinedBy(String clientSql, int[] clientTypes) {
            return autoIncrement == null
                    ? sql.equals(clientSql) && Arrays.equals(parameterTypes, clientTypes)
                    : autoIncrement.clientSql().equals(clientSql) && Arrays.equals(autoIncrement.clientTypes(), clientTypes);
        }
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
    private final AutoIncrementFill autoIncrement;
    private final Map<String, Definition> byClientName = new HashMap<>();
    private final Supplier<ClientEncoding> encoding;

    public PreparedStatements(Names names) {
        this(names, null, () -> ClientEncoding.UTF8);
    }

    /**
     * @param autoIncrement fills auto-increment columns of INSERTs; null for none
     * @param encoding      the session's client encoding, in which statements the router completes are sent
     */
    public PreparedStatements(Names names, AutoIncrementFill autoIncrement, Supplier<ClientEncoding> encoding) {
        this.names = names;
        this.autoIncrement = autoIncrement;
        this.encoding = encoding;
    }

    /**
     * Defines or redefines a client statement; the unnamed statement "" keeps its name. An INSERT
     * leaving out auto-increment columns gets them as extra parameters (see AutoIncrementFill).
     *
     * @throws dev.shardgate.wire.PgException 0A000 for an INSERT whose auto-increment columns cannot be filled
     */
    public Definition define(String clientName, String sql, int[] parameterTypes) {
        return define(clientName, sql.getBytes(java.nio.charset.StandardCharsets.UTF_8), sql, parameterTypes);
    }

    /** As above, for text the client sent as {@code text} in its encoding and the router read as {@code sql}. */
    public Definition define(String clientName, byte[] text, String sql, int[] parameterTypes) {
        Definition previous = byClientName.get(clientName);
        // A Parse is defined when it arrives and again when it is sent: the second time costs nothing.
        AutoIncrementFill.Prepared filled = previous != null && previous.isDefinedBy(sql, parameterTypes)
                ? previous.autoIncrement()
                : autoIncrement == null ? null : autoIncrement.prepare(sql, parameterTypes);
        String serverSql = filled == null ? sql : filled.sql();
        byte[] serverText = filled == null ? text
                : previous != null && previous.autoIncrement() == filled ? previous.text() : encoding.get().encode(serverSql);
        int[] serverTypes = filled == null ? parameterTypes : filled.parameterTypes();
        String serverName = clientName.isEmpty() ? "" : names.nameFor(serverSql, serverTypes);
        Definition definition = new Definition(serverSql, serverText, serverTypes, serverName, filled);
        byClientName.put(clientName, definition);
        return definition;
    }

    /** The Bind with fresh auto-increment values added when its statement has hidden parameters. */
    public Bind withAutoIncrementValues(Bind bind) {
        Definition definition = byClientName.get(bind.statement());
        return definition == null || definition.autoIncrement() == null ? bind
                : autoIncrement.bind(definition.autoIncrement(), bind);
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
        deallocated.addAll(sqlLevel.keySet());
        sqlLevel.clear();
    }

    /** SQL-level PREPAREs of this client: name → the PREPARE's text, prepared again on each backend that runs them. */
    private final Map<String, String> sqlLevel = new HashMap<>();
    /** Names the client deallocated: backends may still hold them, but for this client they are gone. */
    private final Set<String> deallocated = new java.util.HashSet<>();

    String sqlText(String name) {
        return sqlLevel.get(name);
    }

    void sqlPrepared(String name, String prepareText) {
        sqlLevel.put(name, prepareText);
        deallocated.remove(name);
    }

    void sqlDeallocated(String name) {
        sqlLevel.remove(name);
        deallocated.add(name);
    }

    boolean wasSqlDeallocated(String name) {
        return deallocated.contains(name);
    }
}
