package dev.shardgate.sql;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Analyses (or query shapes, see {@link QueryShape}) by exact text, bounded in entries. A hit is one hash lookup without locking;
 * eviction is the CLOCK approximation of LRU: an entry stored or read since the last sweep survives
 * it. A sweep makes room for a tenth of the capacity at once, so its cost is spread over many
 * insertions. Under concurrent insertion the bound can be passed by the number of inserting threads.
 */
final class AnalysisCache<V> {
    private static final class Entry<V> {
        final V analysis;
        volatile boolean recentlyUsed;

        Entry(V analysis) {
            this.analysis = analysis;
            this.recentlyUsed = true;
        }
    }

    private final int capacity;
    private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
    private final ReentrantLock sweeping = new ReentrantLock();

    AnalysisCache(int capacity) {
        this.capacity = Math.max(0, capacity);
    }

    V get(String sql) {
        Entry<V> entry = entries.get(sql);
        if (entry == null) {
            return null;
        }
        if (!entry.recentlyUsed) {
            entry.recentlyUsed = true;
        }
        return entry.analysis;
    }

    /** Stores the analysis unless another thread stored one first; returns the one in the cache (or the given one when not cached). */
    V putIfAbsent(String sql, V analysis) {
        if (capacity == 0) {
            return analysis;
        }
        Entry<V> existing = entries.get(sql);
        if (existing != null) {
            return existing.analysis;
        }
        if (entries.size() >= capacity) {
            evictDownTo(capacity - Math.max(1, capacity / 10));
        }
        existing = entries.putIfAbsent(sql, new Entry<>(analysis));
        return existing != null ? existing.analysis : analysis;
    }

    int size() {
        return entries.size();
    }

    private void evictDownTo(int target) {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            // Two passes at most: the first clears the marks of survivors, the second then finds unmarked entries.
            for (int pass = 0; pass < 2 && entries.size() > target; pass++) {
                Iterator<Entry<V>> iterator = entries.values().iterator();
                while (iterator.hasNext() && entries.size() > target) {
                    Entry<V> entry = iterator.next();
                    if (entry.recentlyUsed) {
                        entry.recentlyUsed = false;
                    } else {
                        iterator.remove();
                    }
                }
            }
        } finally {
            sweeping.unlock();
        }
    }
}
