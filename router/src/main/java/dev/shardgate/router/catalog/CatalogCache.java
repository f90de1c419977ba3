package dev.shardgate.router.catalog;

import dev.shardgate.sql.FunctionRef;
import dev.shardgate.sql.TableRef;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One router's cache of catalog answers, keyed by the asking session's search_path and the name as
 * written. DDL this router forwards clears it; entries also expire after a few seconds, because
 * another router (or a client connected to a shard directly) may change the schema.
 */
public final class CatalogCache {
    public static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofSeconds(5);

    private record Key(String searchPath, char kind, String schema, String name) {
    }

    private record Entry(Object value, long expiresAt) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    /** Bumped by {@link #invalidate()}: an answer asked for before it is not stored. */
    private final AtomicLong generation = new AtomicLong();
    private final long timeToLiveNanos;

    public CatalogCache(Duration timeToLive) {
        this.timeToLiveNanos = timeToLive.toNanos();
    }

    /** The schema may have changed: forget every answer. */
    public void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }

    /** A catalog that answers from this cache, asking {@code shard} what it does not hold. */
    public Catalog over(Supplier<String> searchPath, Catalog shard) {
        return new Catalog() {
            @Override
            public Optional<RelationInfo> relation(TableRef table) {
                return cached(new Key(searchPath.get(), 'r', table.schema(), table.name()), () -> shard.relation(table));
            }

            @Override
            public List<FunctionInfo> functions(FunctionRef function) {
                return cached(new Key(searchPath.get(), 'f', function.schema(), function.name()), () -> shard.functions(function));
            }

            @Override
            public List<String> columns(TableRef table) {
                return cached(new Key(searchPath.get(), 'c', table.schema(), table.name()), () -> shard.columns(table));
            }
        };
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Key key, Supplier<T> ask) {
        long now = System.nanoTime();
        Entry entry = entries.get(key);
        if (entry != null && now - entry.expiresAt() < 0) {
            return (T) entry.value();
        }
        long asked = generation.get();
        T value = ask.get();
        if (generation.get() == asked) {
            entries.put(key, new Entry(value, now + timeToLiveNanos));
        }
        return value;
    }

    int size() {
        return entries.size();
    }
}
