package dev.shardgate.coordinator.move;

/**
 * Row count and checksum of rows in COPY's text format, taken from the bytes as they pass: one
 * line is one row (COPY escapes the newlines inside values), and the checksum is the sum of a
 * 64-bit hash of each line, so it does not depend on the rows' order. A move takes it of the rows
 * it streams from the source, of the rows it reads back from the destination and of the rows its
 * DELETE … RETURNING removes from the source: equal rows in the same column order give equal text
 * on any shard with the same types and settings, so equal sums mean the same rows.
 */
final class RowChecksum {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private long rows;
    private long sum;
    private long line = FNV_OFFSET;

    /** Takes {@code length} bytes of the stream; a row may end in a later call. */
    void update(byte[] bytes, int offset, int length) {
        long hash = line;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
            if (b == '\n') {
                sum += mix(hash);
                rows++;
                hash = FNV_OFFSET;
            }
        }
        line = hash;
    }

    BatchContent content() {
        return new BatchContent(rows, sum);
    }

    /** MurmurHash3's 64-bit finalizer: FNV-1a's low bits alone would sum poorly. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
