package dev.shardgate.qdb;

import dev.shardgate.meta.MetadataException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The sequences that fill auto-increment columns, in the QDB's key-value area: under {@code
 * sequences/<name>} the lowest value no router has taken yet, as decimal text (readable with
 * etcdctl). Routers take blocks of values with compare-and-set, so two routers, or two threads of
 * one, never get the same value; values a router took and did not hand out are lost with it, as
 * PostgreSQL loses a sequence's cached values at a crash.
 */
public final class SequenceValues {
    public static final String PREFIX = "sequences/";
    /** Compare-and-set losses in a row before giving up: with blocks, routers rarely collide at all. */
    private static final int MAX_ATTEMPTS = 200;

    private SequenceValues() {
    }

    public static String key(String sequenceName) {
        return PREFIX + sequenceName;
    }

    /** The next value not taken yet, or empty when no value of the sequence was ever taken. */
    public static OptionalLong next(Qdb qdb, String sequenceName) {
        return qdb.get(key(sequenceName)).map(bytes -> OptionalLong.of(parse(sequenceName, bytes))).orElse(OptionalLong.empty());
    }

    /** Every sequence a value was ever taken of, by name, with its next value. */
    public static SortedMap<String, Long> all(Qdb qdb) {
        SortedMap<String, Long> values = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : qdb.scan(PREFIX).entrySet()) {
            String name = entry.getKey().substring(PREFIX.length());
            values.put(name, parse(name, entry.getValue()));
        }
        return values;
    }

    /**
     * Takes {@code count} consecutive values; the caller owns {@code [first, first + count)}.
     *
     * @param start where a sequence no value was taken of begins; a stored next value below it moves
     *              up to it (ATTACH … AUTO INCREMENT id START n after earlier use), never down
     * @return the first value taken
     * @throws MetadataException 22003 when the values would pass the largest bigint; 40001 when other
     *         takers kept winning the compare-and-set
     */
    public static long take(Qdb qdb, String sequenceName, long start, long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count must be positive, not " + count);
        }
        String key = key(sequenceName);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            byte[] stored = qdb.get(key).orElse(null);
            long first = stored == null ? start : Math.max(parse(sequenceName, stored), start);
            if (first > Long.MAX_VALUE - count) {
                throw new MetadataException(MetadataException.NUMERIC_VALUE_OUT_OF_RANGE, "sequence \"" + sequenceName
                        + "\" reached its maximum value (" + Long.MAX_VALUE + ")");
            }
            if (qdb.compareAndSet(key, stored, text(first + count))) {
                return first;
            }
            if (attempt > 3) {
                // Another taker changed the value between our read and our swap; let it get out of the way.
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 1_000_000));
            }
        }
        throw new QdbException(QdbException.SERIALIZATION_FAILURE, "could not take values of sequence \""
                + sequenceName + "\": other routers changed it " + MAX_ATTEMPTS + " times in a row", null);
    }

    /** Forgets the sequence: its values start again at the start of whoever uses the name next. */
    public static void drop(Qdb qdb, String sequenceName) {
        qdb.delete(key(sequenceName));
    }

    private static byte[] text(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static long parse(String sequenceName, byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw QdbException.corrupt("qdb key " + key(sequenceName), "\"" + text + "\" is not a sequence value", e);
        }
    }
}
