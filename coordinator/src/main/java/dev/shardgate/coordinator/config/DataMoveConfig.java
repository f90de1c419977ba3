package dev.shardgate.coordinator.config;

import java.time.Duration;
import java.util.Objects;

/**
 * coordinator.yaml's {@code data_move} section: how the coordinator logs in to shards to move
 * rows for REDISTRIBUTE KEY RANGE. Shard hosts come from the metadata; the database and the
 * credentials are the same on every shard.
 *
 * @param database  the database that holds the distributed relations on every shard
 * @param password  empty for trust authentication
 * @param batchSize rows per batch when REDISTRIBUTE names no BATCH SIZE; with a {@code batchLock},
 *                  the first batch's rows only
 * @param batchLock zero for batches of {@code batchSize} rows; otherwise each batch after the first
 *                  is sized from the one before to keep its key range locked about this long
 */
public record DataMoveConfig(String database, String user, String password, int batchSize, Duration batchLock) {
    static final int DEFAULT_BATCH_SIZE = 500;
    /** The first batch of a move sized by time: small enough to lock briefly whatever the rows' width. */
    static final int FIRST_TIMED_BATCH = 10_000;
    static final Duration DEFAULT_BATCH_LOCK = Duration.ofMillis(500);

    public DataMoveConfig {
        Objects.requireNonNull(database);
        Objects.requireNonNull(user);
        Objects.requireNonNull(password);
        Objects.requireNonNull(batchLock);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive: " + batchSize);
        }
        if (batchLock.isNegative()) {
            throw new IllegalArgumentException("batch lock must not be negative: " + batchLock);
        }
    }

    /** Batches of {@code batchSize} rows. */
    public DataMoveConfig(String database, String user, String password, int batchSize) {
        this(database, user, password, batchSize, Duration.ZERO);
    }

    /** Whether batches are sized by the time they hold their lock rather than by a fixed count. */
    public boolean isSizedByTime() {
        return !batchLock.isZero();
    }

    /** Without the password: configs end up in logs and error messages. */
    @Override
    public String toString() {
        return "DataMoveConfig[database=" + database + ", user=" + user + ", password="
                + (password.isEmpty() ? "<none>" : "<hidden>") + ", batchSize=" + batchSize + ", batchLock=" + batchLock + "]";
    }

    /**
     * {@code postgres} as user and database, no password, batches sized to hold their lock about
     * 500 ms (the first of 10,000 rows).
     */
    public static DataMoveConfig defaults() {
        return new DataMoveConfig("postgres", "postgres", "", FIRST_TIMED_BATCH, DEFAULT_BATCH_LOCK);
    }
}
