package dev.shardgate.coordinator.config;

import java.util.Objects;

/**
 * coordinator.yaml's {@code data_move} section: how the coordinator logs in to shards to move
 * rows for REDISTRIBUTE KEY RANGE. Shard hosts come from the metadata; the database and the
 * credentials are the same on every shard.
 *
 * @param database  the database that holds the distributed relations on every shard
 * @param password  empty for trust authentication
 * @param batchSize rows per batch when REDISTRIBUTE names no BATCH SIZE
 */
public record DataMoveConfig(String database, String user, String password, int batchSize) {
    static final int DEFAULT_BATCH_SIZE = 500;

    public DataMoveConfig {
        Objects.requireNonNull(database);
        Objects.requireNonNull(user);
        Objects.requireNonNull(password);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
    }

    /** Without the password: configs end up in logs and error messages. */
    @Override
    public String toString() {
        return "DataMoveConfig[database=" + database + ", user=" + user + ", password="
                + (password.isEmpty() ? "<none>" : "<hidden>") + ", batchSize=" + batchSize + "]";
    }

    /** {@code postgres} as user and database, no password, batches of 500 rows. */
    public static DataMoveConfig defaults() {
        return new DataMoveConfig("postgres", "postgres", "", DEFAULT_BATCH_SIZE);
    }
}
