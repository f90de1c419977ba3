package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Everything a store holds, immutable: replaced whole on each change. */
record QdbState(long version, Metadata metadata, SortedMap<String, byte[]> kv) {
    static final QdbState EMPTY = new QdbState(0, Metadata.empty(), new TreeMap<>());

    /** The map must not be changed afterwards; values are never handed out without copying. */
    QdbState {
        kv = Collections.unmodifiableSortedMap(kv);
    }

    QdbState withMetadata(Metadata next) {
        return new QdbState(version + 1, next, kv);
    }

    QdbState withEntry(String key, byte[] value) {
        TreeMap<String, byte[]> next = new TreeMap<>(kv);
        if (value == null) {
            next.remove(key);
        } else {
            next.put(key, value.clone());
        }
        return new QdbState(version, metadata, next);
    }
}
