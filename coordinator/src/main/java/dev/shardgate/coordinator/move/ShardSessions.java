package dev.shardgate.coordinator.move;

import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.Shard;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The shard sessions one run of a task group keeps from step to step: a connection per shard, and
 * the key hashes it has built ({@link KeyHashes}), so that a hashed relation's keys are hashed once
 * per run rather than at every step. Nothing a step needs after a crash lives only here: a new
 * session rebuilds it. A session that no longer answers is replaced by a new one.
 */
final class ShardSessions implements AutoCloseable {
    /** A connection in autocommit mode and its key hashes. */
    record Session(Connection connection, KeyHashes hashes) {
    }

    private final ShardData shards;
    private final Map<String, Session> open = new HashMap<>();

    ShardSessions(ShardData shards) {
        this.shards = shards;
    }

    /** The run's session on the shard's primary, opened when it has none that answers. */
    Session of(Shard shard, Distribution distribution) {
        Session session = open.get(shard.id());
        if (session != null && answers(session.connection())) {
            return session;
        }
        if (session != null) {
            closeQuietly(session.connection());
        }
        Connection connection = shards.connect(shard, distribution);
        session = new Session(connection, new KeyHashes(connection));
        open.put(shard.id(), session);
        return session;
    }

    private static boolean answers(Connection connection) {
        try {
            return connection.getAutoCommit() && connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        open.values().forEach(session -> closeQuietly(session.connection()));
        open.clear();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // the session is gone either way; its temporary tables went with it
        }
    }
}
