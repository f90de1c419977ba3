package dev.shardgate.router.merge;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Rows of shards that each sorted their own, merged into one sorted stream: holds one row per shard.
 * Rows that compare equal come in shard order, so the result is stable.
 */
final class OrderedMerge implements RowSource {
    private record Head(byte[][] row, int shard) {
    }

    private final List<RowSource> shards;
    private final PriorityQueue<Head> heads;
    private boolean started;

    OrderedMerge(List<RowSource> shards, Comparator<byte[][]> order) {
        this.shards = shards;
        this.heads = new PriorityQueue<>(Math.max(1, shards.size()),
                Comparator.comparing(Head::row, order).thenComparingInt(Head::shard));
    }

    @Override
    public byte[][] next() throws IOException {
        if (!started) {
            started = true;
            for (int i = 0; i < shards.size(); i++) {
                pull(i);
            }
        }
        Head head = heads.poll();
        if (head == null) {
            return null;
        }
        pull(head.shard());
        return head.row();
    }

    private void pull(int shard) throws IOException {
        byte[][] row = shards.get(shard).next();
        if (row != null) {
            heads.add(new Head(row, shard));
        }
    }
}
