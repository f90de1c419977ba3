package dev.shardgate.qdb;

import java.util.Optional;
import java.util.SortedMap;

/**
 * The QDB's small key-value area, beside the metadata: task groups, sequence blocks, two-phase-commit
 * decisions. Every write is durable when it returns, as durable as the store behind it; any method
 * throws {@link QdbException} when the store cannot be read or written. Thread-safe.
 */
public interface KeyValues {

    /** A copy of the value stored under {@code key}. */
    Optional<byte[]> get(String key);

    /** Stores a copy of {@code value} durably under {@code key}. */
    void put(String key, byte[] value);

    /**
     * Stores {@code value} under {@code key} only if the current value equals {@code expected}
     * (byte for byte; {@code null} means the key must be absent). A {@code null} value deletes the
     * key. Returns whether the swap happened.
     */
    boolean compareAndSet(String key, byte[] expected, byte[] value);

    /** Removes the key; removing an absent key is no error. */
    void delete(String key);

    /** Copies of all entries whose key starts with {@code prefix}, sorted by key. */
    SortedMap<String, byte[]> scan(String prefix);
}
