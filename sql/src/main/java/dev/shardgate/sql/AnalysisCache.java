package dev.shardgate.sql;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Analyses by exact query text, bounded in entries. A hit is one hash lookup without locking;
 * eviction is the CLOCK approximation of LRU: an entry read since the last sweep survives it.
 */
final class AnalysisCache {
    private static final class Entry {
        final Analysis analysis;
        volatile boolean recentlyUsed;

        Entry(Analysis analysis) {
            this.analysis = analysis;
        }
    }

    private final int capacity;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final ReentrantLock sweeping = new ReentrantLock();

    AnalysisCache(int capacity) {
        this.capacity = Math.max(0, capacity);
    }

    Analysis get(String sql) {
        Entry entry = entries.get(sql);
        if (entry == null) {
            return null;
        }
        if (!entry.recentlyUsed) {
            entry.recentlyUsed = true;
        }
        return entry.analysis;
    }

    /** Stores the analysis unless another thread stored one first; returns the one in the cache (or the given one when not cached). */
    Analysis putIfAbsent(String sql, Analysis analysis) {
        if (capacity == 0) {
            return analysis;
        }
        Entry existing = entries.putIfAbsent(sql, new Entry(analysis));
        if (entries.size() > capacity) {
            evict();
        }
        return existing != null ? existing.analysis : analysis;
    }

    int size() {
        return entries.size();
    }

    private void evict() {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            // Two passes at most: the first clears the used marks of survivors, the second must then evict.
            for (int pass = 0; pass < 2 && entries.size() > capacity; pass++) {
                Iterator<Entry> iterator = entries.values().iterator();
                while (iterator.hasNext() && entries.size() > capacity) {
                    Entry entry = iterator.next();
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
