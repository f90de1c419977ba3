package dev.shardgate.router.loop;

import dev.shardgate.qdb.KeyValues;

import java.util.Optional;
import java.util.SortedMap;

/**
 * A QDB's key-value area for sessions on event loops: each call runs {@linkplain
 * EventLoops#offLoop off the loop}, since a file QDB fsyncs every write and a loop thread blocked
 * in the kernel would stall every session it carries.
 */
public record OffLoopKeyValues(KeyValues values) implements KeyValues {
    @Override
    public Optional<byte[]> get(String key) {
        return EventLoops.offLoop(() -> values.get(key));
    }

    @Override
    public void put(String key, byte[] value) {
        EventLoops.offLoop(() -> {
            values.put(key, value);
            return null;
        });
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        return EventLoops.offLoop(() -> values.compareAndSet(key, expected, value));
    }

    @Override
    public void delete(String key) {
        EventLoops.offLoop(() -> {
            values.delete(key);
            return null;
        });
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        return EventLoops.offLoop(() -> values.scan(prefix));
    }
}
