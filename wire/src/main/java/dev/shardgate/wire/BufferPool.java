package dev.shardgate.wire;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * Buffers of one size shared by the readers and writers of many connections that are idle most of
 * the time: a client session holds a buffer only while it has bytes to read or to send, so a
 * thousand idle clients hold none. At most {@code retained} free buffers are kept; more are left
 * to the collector, and an empty pool allocates.
 */
public final class BufferPool {
    private final int size;
    private final ArrayBlockingQueue<byte[]> free;

    public BufferPool(int size, int retained) {
        this.size = Math.max(16, size);
        this.free = new ArrayBlockingQueue<>(Math.max(1, retained));
    }

    public int size() {
        return size;
    }

    byte[] acquire() {
        byte[] buffer = free.poll();
        return buffer != null ? buffer : new byte[size];
    }

    /** Takes a buffer back; one of another size (grown for a large message) is dropped. */
    void release(byte[] buffer) {
        if (buffer.length == size) {
            free.offer(buffer);
        }
    }

    /** Free buffers held now, for tests. */
    int free() {
        return free.size();
    }
}
